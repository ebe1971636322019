using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Visage.Audit;
using Visage.Face;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Identity;
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

    public static WebApplication Build(string dataDirectory, Action<WebApplication>? mapMore = null, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null, Action<WebApplicationBuilder>? compose = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Server:HttpsPort"] = "0",
            ["Audit:Alerts:ClinicOpens"] = "00:00",
            ["Audit:Alerts:ClinicCloses"] = "23:59:59.9999999",
            // Tests sign many accounts in from one loopback address; the sign-in limit itself is tested with its own setting.
            ["Server:SignInsPerMinute"] = "1000",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddFaceEngine("Face");
        builder.Services.AddProtectedStore("Storage", loadGalleryAtStart: true);
        builder.Services.AddAuditLog("Audit");
        // The PHI screen every host registers (AddDeidentification does it for serve): the server's own audit reasons pass it.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditTextScreen, Visage.Deid.Text.PhiAuditTextScreen>());
        builder.Services.AddWorkflows();
        builder.Services.AddVisageServer("Server");
        compose?.Invoke(builder);
        var app = builder.Build();
        app.UseVisageServer();
        app.MapVisageEndpoints();
        mapMore?.Invoke(app);
        return app;
    }

    public static async Task<ServerHarness> StartAsync(string dataDirectory, Action<WebApplication>? mapMore = null, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null, Action<WebApplicationBuilder>? compose = null)
    {
        var app = Build(dataDirectory, mapMore, settings, time, compose);
        await app.StartVisageAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ServerHarness(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)), dataDirectory);
    }

    /// <summary>An HTTPS client that accepts the server's own certificate and nothing else (pinning, as a kiosk would).</summary>
    public HttpClient Client() => Client(null);

    /// <summary>As <see cref="Client()"/>, keeping cookies in <paramref name="cookies"/> (a browser's session).</summary>
    public HttpClient Client(System.Net.CookieContainer? cookies)
    {
        using var pinned = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(DataDirectory, ServerCertificate.FileName), null);
        var thumbprint = pinned.Thumbprint;
#pragma warning disable CA2000 // The client owns the handler.
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint,
            UseCookies = cookies is not null,
        };
        if (cookies is not null)
        {
            handler.CookieContainer = cookies;
        }

#pragma warning restore CA2000
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = Address };
    }

    public IServiceProvider Services => app.Services;

    /// <summary>The first administrator's one-time set-up path (<c>/setup#token</c>), as <c>visage serve</c> prints it; null once set up.</summary>
    public Task<string?> FirstRunSetupPathAsync() => app.FirstRunSetupPathAsync();

    /// <summary>
    /// A new staff account holding <paramref name="roles"/>, set up through a setup link and signed in over HTTPS with a
    /// TOTP code: a client carrying its session as a bearer token.
    /// </summary>
    public async Task<HttpClient> StaffClientAsync(params string[] roles) => (await StaffAccountAsync(roles)).Client;

    /// <summary>As <see cref="StaffClientAsync"/>, with the account's user id.</summary>
    public async Task<(string UserId, HttpClient Client)> StaffAccountAsync(params string[] roles)
    {
        var userId = "staff-" + Guid.NewGuid().ToString("N")[..10];
        var accounts = app.Services.GetRequiredService<StaffAccounts>();
        var token = await accounts.IssueSetupLinkAsync(new AuditActor("test-admin", Roles.Administrator), userId, roles);
        var setup = await accounts.CompleteSetupAsync(token, userId, StaffPassword);
        var client = Client();
        using var signIn = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new SignInRequest(userId, StaffPassword, TotpNow(setup.TotpSecret), null));
        signIn.EnsureSuccessStatusCode();
        var session = await signIn.Content.ReadFromJsonAsync<SignedIn>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session!.Token);
        return (userId, client);
    }

    /// <summary>A client carrying a new API key with <paramref name="roles"/>, scoped to <paramref name="purposes"/>.</summary>
    public async Task<HttpClient> KeyClientAsync(Purposes purposes, params string[] roles)
    {
        var (_, token) = await app.Services.GetRequiredService<ApiKeys>().CreateAsync(new AuditActor("test-admin", Roles.Administrator), "test device", roles, purposes, 30);
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The password every test account gets (never a default: each account is set up through its own link).</summary>
    public const string StaffPassword = "correct horse battery staple";

    /// <summary>The current TOTP code for a base32 seed, as an authenticator app would show it.</summary>
    public static string Totp(string base32Secret, DateTimeOffset? at = null) => new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(base32Secret)).ComputeTotp((at ?? DateTimeOffset.UtcNow).UtcDateTime);

    /// <summary>The current TOTP code by the server's clock (which a test may have moved on).</summary>
    public string TotpNow(string base32Secret) => Totp(base32Secret, app.Services.GetRequiredService<TimeProvider>().GetUtcNow());

    /// <summary>Every record in the server's audit log, oldest first.</summary>
    public async Task<List<AuditRecord>> AuditRecordsAsync()
    {
        var queries = new AuditQueries((await app.Services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync()).Database);
        var records = new List<AuditRecord>();
        long after = 0;
        while (true)
        {
            var page = await queries.ByTimeRangeAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), after, AuditQueries.MaxPageSize);
            records.AddRange(page.Records);
            if (page.NextAfter is not { } next)
            {
                return records;
            }

            after = next;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
