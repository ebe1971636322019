using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Visage.Audit;
using Visage.Face;
using Visage.Server.Hosting;
using Visage.Storage;
using Visage.Workflows;

namespace Visage.Server.Tests;

/// <summary>
/// The server as a host composes it (the libraries' AddX calls and AddVisageServer), started on real Kestrel on a free
/// loopback port with its own data directory; a client that trusts exactly the certificate the server made.
/// </summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private readonly WebApplication app;

    private ServerHarness(WebApplication app, Uri address, string dataDirectory)
    {
        this.app = app;
        Address = address;
        DataDirectory = dataDirectory;
    }

    public Uri Address { get; }

    public string DataDirectory { get; }

    public int Port => Address.Port;

    public static WebApplication Build(string dataDirectory, Action<WebApplication>? mapMore = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Server:HttpsPort"] = "0",
            ["Audit:Alerts:ClinicOpens"] = "00:00",
            ["Audit:Alerts:ClinicCloses"] = "23:59:59.9999999",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddFaceEngine("Face");
        builder.Services.AddProtectedStore("Storage", loadGalleryAtStart: true);
        builder.Services.AddAuditLog("Audit");
        // These tests write no free text to the audit log; the PHI screen hosts register is tested in Visage.Deid.
        builder.Services.AddSingleton<IAuditTextScreen>(new NothingToScreen());
        builder.Services.AddWorkflows();
        builder.Services.AddVisageServer("Server");
        var app = builder.Build();
        app.UseVisageServer();
        app.MapVisageEndpoints();
        mapMore?.Invoke(app);
        return app;
    }

    public static async Task<ServerHarness> StartAsync(string dataDirectory, Action<WebApplication>? mapMore = null)
    {
        var app = Build(dataDirectory, mapMore);
        await app.StartVisageAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ServerHarness(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)), dataDirectory);
    }

    /// <summary>An HTTPS client that accepts the server's own certificate and nothing else (pinning, as a kiosk would).</summary>
    public HttpClient Client()
    {
        using var pinned = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(DataDirectory, ServerCertificate.FileName), null);
        var thumbprint = pinned.Thumbprint;
#pragma warning disable CA2000 // The client owns the handler.
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint,
        };
#pragma warning restore CA2000
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = Address };
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed class NothingToScreen : IAuditTextScreen
    {
        public string? FindIdentifier(string text) => null;
    }
}
