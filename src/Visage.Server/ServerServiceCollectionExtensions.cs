using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Visage.Server.Endpoints;
using Visage.Server.Health;
using Visage.Server.Hosting;
using Visage.Server.Http;
using Visage.Storage;

namespace Visage.Server;

public static class ServerServiceCollectionExtensions
{
    /// <summary>Request bodies above this are refused (413) before they are read: enough for a few camera frames.</summary>
    public const long MaxRequestBodyBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Registers the HTTP server over the libraries (call <c>AddProtectedStore</c>, <c>AddAuditLog</c>, <c>AddFaceEngine</c>
    /// and <c>AddWorkflows</c> too): Kestrel on HTTPS only with TLS 1.2 and 1.3 (plain HTTP only on loopback when asked),
    /// the certificate from <see cref="ServerOptions"/> or a self-signed one made once, HSTS and problem details. Start
    /// with <see cref="StartVisageAsync"/>, which checks that every endpoint declares its permission and audit action.
    /// </summary>
    public static IServiceCollection AddVisageServer(this IServiceCollection services, string configurationSection = "Server")
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ServerOptions>().BindConfiguration(configurationSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServerOptions>>(new ServerOptionsValidation(configurationSection)));
        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemMapping>();
        services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.IncludeSubDomains = true;
            // Sent on every HTTPS answer, loopback included: the default leaves localhost out.
            hsts.ExcludedHosts.Clear();
        });
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>, IOptions<StorageOptions>, TimeProvider>(ConfigureKestrel);
        return services;
    }

    /// <summary>The middleware every request passes: errors as problem details, HSTS, the security headers.</summary>
    public static WebApplication UseVisageServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHsts();
        app.UseMiddleware<SecurityHeaders>();
        return app;
    }

    /// <summary>Every Visage endpoint; so far the health probes.</summary>
    public static IEndpointRouteBuilder MapVisageEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapHealthEndpoints();
        return routes;
    }

    /// <summary>
    /// Starts the server once every endpoint is known to declare its permission and audit action (or anonymity); an
    /// undeclared one stops start-up before anything listens. Hosts start Visage only through this.
    /// </summary>
    public static Task StartVisageAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        EndpointDeclarationCheck.Verify(app);
        return app.StartAsync(cancellationToken);
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, IOptions<ServerOptions> server, IOptions<StorageOptions> storage, TimeProvider time)
    {
        var options = server.Value;
        var address = IPAddress.Parse(options.Address);
        var certificate = ServerCertificate.Load(options, storage.Value.ResolveDataDirectory(), time);
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        kestrel.Listen(address, options.HttpsPort, listen => listen.UseHttps(certificate, https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13));
        if (options.LoopbackHttpPort > 0)
        {
            kestrel.Listen(address, options.LoopbackHttpPort);
        }
    }
}
