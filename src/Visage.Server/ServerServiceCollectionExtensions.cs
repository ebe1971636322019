using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Visage.Server.Access;
using Visage.Server.Consent;
using Visage.Server.Endpoints;
using Visage.Server.Identity;
using Visage.Server.Oversight;
using Visage.Server.Pages;
using Visage.Server.People;
using Visage.Server.Recognition;
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
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ProblemWriter.AddReason);
        services.AddOpenApi(ApiDocument.Name, ApiDocument.Configure);
        // A body that cannot be bound (malformed JSON, wrong content type) throws, so ProblemMapping answers it with its reason code.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(handlers => handlers.ThrowOnBadRequest = true);
        // Enums travel as their names ("accepted", not 0): integrators read them, and a reordered enum must not change meaning.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower));
            // A misspelled field ("passwrd") is refused by name instead of being dropped and blamed on something else.
            json.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });
        services.AddExceptionHandler<ProblemMapping>();
        services.AddHsts(hsts =>
        {
            hsts.MaxAge = TimeSpan.FromDays(365);
            hsts.IncludeSubDomains = true;
            // Sent on every HTTPS answer, loopback included: the default leaves localhost out.
            hsts.ExcludedHosts.Clear();
        });
        services.TryAddSingleton<ServerCertificate>();
        services.AddOptions<IdentityOptions>().BindConfiguration(configurationSection + ":Identity").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IdentityTables>();
        services.TryAddSingleton<StaffSessions>();
        services.TryAddSingleton<StaffAccounts>();
        services.TryAddSingleton<ApiKeys>();
        services.TryAddSingleton<RoleElevations>();
        services.AddVisagePages();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RateLimits.RejectAsync;
            limiter.GlobalLimiter = RateLimits.PerClient();
            limiter.AddPolicy(IdentityApi.SignInLimit, RateLimits.SignIns);
        });
        services.AddOptions<KestrelServerOptions>().Configure(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });
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
        app.UseVisagePageAssets();
        // Behind a reverse proxy on this host (plain HTTP on the loopback port), the client's address is the one the proxy
        // forwards, so rate limits and the audit's address hash stay per client; the header is trusted from loopback only.
        app.UseWhen(
            context => !context.Request.IsHttps && context.RequestServices.GetRequiredService<IOptions<ServerOptions>>().Value.LoopbackHttpPort > 0,
            proxied => proxied.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto }));
        app.UseMiddleware<CredentialResolver>();
        app.UseRateLimiter();
        app.UseMiddleware<AccessGate>();
        return app;
    }

    /// <summary>Every Visage endpoint: the health probes, the API under <c>/api/v1</c> and the web pages.</summary>
    public static IEndpointRouteBuilder MapVisageEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapHealthEndpoints();
        routes.MapIdentityEndpoints();
        routes.MapPeopleEndpoints().MapConsentEndpoints();
        routes.MapRecognitionEndpoints();
        routes.MapOversightEndpoints();
        routes.MapApiDocument();
        routes.MapVisagePages();
        return routes;
    }

    /// <summary>
    /// Starts the server once every endpoint is known to declare its permission and audit action (or anonymity); an
    /// undeclared one stops start-up before anything listens. Hosts start Visage only through this.
    /// </summary>
    /// <exception cref="ServerStartException">The port is in use, or the certificate cannot be read.</exception>
    public static async Task StartVisageAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        EndpointDeclarationCheck.Verify(app);
        // The endpoints are added here, not in the options' set-up (which runs when the host is built, before any
        // setting is validated): reading the options validates them, and a certificate that cannot be read stops start-up.
        var options = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value;
        try
        {
            Listen(app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value, options, app.Services.GetRequiredService<ServerCertificate>().Certificate);
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            throw new ServerStartException("The HTTPS port (Server:HttpsPort) or the loopback HTTP port is already in use by another program; choose another or stop that one.", ex);
        }
        catch (CryptographicException ex)
        {
            throw new ServerStartException("The certificate (Server:CertificateFile) could not be read as PKCS#12 with the password given (Server:CertificatePassword); its path is not shown.", ex);
        }
    }

    /// <summary>
    /// While no administrator has completed set-up (password and a first TOTP sign-in), a new one-time link for the first
    /// administrator, as a path with the token in its fragment; otherwise null. The host prints it once, on the console only.
    /// </summary>
    public static async Task<string?> FirstRunSetupPathAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var token = await app.Services.GetRequiredService<StaffAccounts>().FirstRunLinkAsync(cancellationToken);
        return token is null ? null : IdentityApi.SetupPath(token);
    }

    /// <summary>
    /// Console logging for a server: one line an entry, exceptions by type only (their text can carry request input);
    /// framework chatter below warnings left out.
    /// </summary>
    public static ILoggingBuilder AddVisageServerConsole(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddConsole(console => console.FormatterName = ServerConsoleFormatter.Name);
        logging.AddConsoleFormatter<ServerConsoleFormatter, ConsoleFormatterOptions>();
        logging.AddFilter("Microsoft", LogLevel.Warning);
        return logging;
    }

    private static void Listen(KestrelServerOptions kestrel, ServerOptions options, X509Certificate2 certificate)
    {
        var address = IPAddress.Parse(options.Address);
        kestrel.Listen(address, options.HttpsPort, listen => listen.UseHttps(certificate, https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13));
        if (options.LoopbackHttpPort > 0)
        {
            kestrel.Listen(address, options.LoopbackHttpPort);
        }
    }
}
