using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Visage.Audit;
using Visage.Deid.Text;
using Visage.Face;
using Visage.Server;
using Visage.Server.Hosting;
using Visage.Storage;
using Visage.Workflows;
using Visage.Workflows.Recognition;
using Visage.Workflows.StepUp;
using static Visage.Benchmarks.RunnerSupport;

namespace Visage.Benchmarks.Workflows;

/// <summary>
/// <c>server-load [--sizes 10000,100000] [--clients 1,8,50] [--requests 240]</c>: the real server (composed as
/// <c>visage serve</c> composes it, on Kestrel over loopback HTTPS with TLS 1.3) under closed-loop load from 1, 8 and 50
/// concurrent clients holding an integrator API key: 1:1 step-up verification and 1:N check-in over 20 candidates, with
/// N synthetic templates in the gallery (<see cref="BenchGallery"/>). Each request is the whole path: TLS, the credential
/// lookup, the rate limiter, the access gate, JSON with a base64 image, the service and its committed audit records.
/// Reference in the same run: the engine's image-to-template on the same bytes, single-threaded, measured before each
/// row, so the server's figures can be read as a ratio to it.
/// </summary>
internal static class ServerLoadRunner
{
    private const int WarmUp = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = Option(args, "--sizes", "10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var clients = Option(args, "--clients", "1,8,50").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var requests = int.Parse(Option(args, "--requests", "240"), CultureInfo.InvariantCulture);
        var faces = Path.Combine(Option(args, "--data", SharedDataLocator.Find()), "faces", "deepface");
        var rows = new List<string>
        {
            "| gallery | request | clients | requests | errors | requests/s | p50 (ms) | p99 (ms) | image-to-template p50 / p99 (ms) | p50 ÷ engine p50 | p99 ÷ engine p99 | outcomes | load average |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
        };
        foreach (var size in sizes)
        {
            await MeasureAsync(size, faces, clients, requests, rows);
        }

        Console.WriteLine();
        rows.ForEach(Console.WriteLine);
        Directory.CreateDirectory("artifacts/bench");
        await File.WriteAllLinesAsync("artifacts/bench/server-load.md", rows);
        return 0;
    }

    private static async Task MeasureAsync(int size, string faces, IReadOnlyList<int> clientCounts, int requests, List<string> rows)
    {
        var directory = Directory.CreateTempSubdirectory("visage-server-load-");
        try
        {
            await using var app = Compose(Path.Combine(directory.FullName, "data"));
            var store = app.Services.GetRequiredService<ProtectedStoreLifetime>();
            var engine = app.Services.GetRequiredService<FaceEngine>();
            var clock = Stopwatch.StartNew();
            await BenchGallery.FillAsync(await store.OpenAsync(), size, app.Services.GetRequiredService<CaptureInspector>().ModelVersion);
            var seeded = await BenchGallery.SeedPeopleAsync(app.Services, faces, size);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size:N0}: store filled and people enrolled in {clock.Elapsed.TotalSeconds:F1} s"));

            await app.StartVisageAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            using var client = await IntegratorClientAsync(app, address, Path.Combine(directory.FullName, "data", ServerCertificate.FileName), clientCounts.Max());

            // Only probes that pass step-up alone are used for 1:1 (a failure would count towards the lockout); locks cleared after.
            var verifiable = new List<(byte[] Bytes, Guid Person)>();
            foreach (var probe in seeded.Probes)
            {
                using var response = await client.PostAsJsonAsync(VerifyUri(probe.Person), VerifyBody(probe.Bytes));
                if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("verified").GetBoolean())
                {
                    verifiable.Add(probe);
                }
            }

            var stepUp = app.Services.GetRequiredService<StepUpVerification>();
            foreach (var person in new[] { seeded.PersonA, seeded.PersonB })
            {
                if (await stepUp.FailuresAsync(person) == 0)
                {
                    continue;
                }

                await stepUp.ClearLockAsync(new AuditActor("bench-1", "security-officer"), person);
            }

            var candidates = seeded.Candidates;
            var modes = new (string Name, Func<int, Task<(bool Ok, string Outcome)>> Send)[]
            {
                ("1:1 step-up verification", async i =>
                {
                    var probe = verifiable[i % verifiable.Count];
                    using var response = await client.PostAsJsonAsync(VerifyUri(probe.Person), VerifyBody(probe.Bytes));
                    return response.IsSuccessStatusCode
                        ? (true, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("verified").GetBoolean() ? "verified" : "not verified")
                        : (false, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                }),
                ("1:N check-in, 20 candidates", async i =>
                {
                    var probe = seeded.Probes[i % seeded.Probes.Length];
                    using var response = await client.PostAsJsonAsync(new Uri("/api/v1/check-ins", UriKind.Relative), new { image = Convert.ToBase64String(probe.Bytes), candidates });
                    return response.IsSuccessStatusCode
                        ? (true, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString() ?? "?")
                        : (false, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                }),
            };

            foreach (var (name, send) in modes)
            {
                for (var i = 0; i < WarmUp; i++)
                {
                    await send(i);
                }

                foreach (var concurrency in clientCounts)
                {
                    var reference = Enumerable.Range(0, 40).Select(i => TimeReference(engine, seeded.Probes[i % seeded.Probes.Length].Bytes)).ToList();
                    var loadBefore = BenchGallery.LoadAverage();
                    var total = Math.Max(requests, concurrency * 4);
                    var latencies = new ConcurrentBag<double>();
                    var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
                    var errors = 0;
                    var next = -1;
                    var wall = Stopwatch.StartNew();
                    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
                    {
                        int i;
                        while ((i = Interlocked.Increment(ref next)) < total)
                        {
                            var watch = Stopwatch.StartNew();
                            var (ok, outcome) = await send(i);
                            latencies.Add(watch.Elapsed.TotalMilliseconds);
                            outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                            if (!ok)
                            {
                                Interlocked.Increment(ref errors);
                            }
                        }
                    })));
                    var seconds = wall.Elapsed.TotalSeconds;
                    var (p50, p99) = (BenchGallery.Percentile(latencies, 0.50), BenchGallery.Percentile(latencies, 0.99));
                    var (r50, r99) = (BenchGallery.Percentile(reference, 0.50), BenchGallery.Percentile(reference, 0.99));
                    var tally = string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"));
                    rows.Add(string.Create(
                        CultureInfo.InvariantCulture,
                        $"| {size:N0} | {name} | {concurrency} | {total} | {errors} | {total / seconds:F1} | {p50:F1} | {p99:F1} | {r50:F1} / {r99:F1} | {p50 / r50:F2} | {p99 / r99:F2} | {tally} | {loadBefore}–{BenchGallery.LoadAverage()} |"));
                    Console.Error.WriteLine(rows[^1]);
                }
            }

            await app.StopAsync();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The server as <c>visage serve</c> composes it, on a free loopback port, its console quiet.</summary>
    private static WebApplication Compose(string dataDirectory)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Server:HttpsPort"] = "0",
            // One key drives all the load; the limiter's own cost is measured, its refusals are not.
            ["Server:RequestsPerMinute"] = "10000000",
        });
        builder.Logging.AddVisageServerConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddFaceEngine("Face");
        builder.Services.AddProtectedStore("Storage", loadGalleryAtStart: true);
        builder.Services.AddAuditLog("Audit");
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditTextScreen, PhiAuditTextScreen>());
        builder.Services.AddWorkflows();
        builder.Services.AddVisageServer("Server");
        var app = builder.Build();
        app.UseVisageServer();
        app.MapVisageEndpoints();
        return app;
    }

    /// <summary>
    /// The way an integration gets its key: the first administrator sets up through the first-run link and signs in with
    /// TOTP, then creates an integrator key scoped to check-in and step-up. The client pins the server's certificate.
    /// </summary>
    private static async Task<HttpClient> IntegratorClientAsync(WebApplication app, Uri address, string certificateFile, int connections)
    {
        using var pinned = X509CertificateLoader.LoadPkcs12FromFile(certificateFile, null);
        var thumbprint = pinned.Thumbprint;
#pragma warning disable CA2000 // The client owns the handler.
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint },
        };
#pragma warning restore CA2000
        var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        var token = (await app.FirstRunSetupPathAsync())![(("/setup#").Length)..];
        using var setup = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new { token, userId = "bench-admin", password = "a long benchmark passphrase" });
        setup.EnsureSuccessStatusCode();
        var secret = (await setup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totpSecret").GetString()!;
        var code = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow);
        using var signIn = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new { userId = "bench-admin", password = "a long benchmark passphrase", totp = code });
        signIn.EnsureSuccessStatusCode();
        var session = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var keyRequest = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/api-keys", UriKind.Relative))
        {
            Content = JsonContent.Create(new { name = "bench integration", roles = new[] { "integrator" }, purposes = new[] { "check-in", "step-up" }, days = 1 }),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", session) },
        };
        using var key = await client.SendAsync(keyRequest);
        key.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
        return client;
    }

    private static Uri VerifyUri(Guid person) => new($"/api/v1/subjects/{person}/verification", UriKind.Relative);

    private static object VerifyBody(byte[] image) => new { image = Convert.ToBase64String(image), secondFactor = new { kind = "badge", verified = true } };

    private static double TimeReference(FaceEngine engine, byte[] image)
    {
        var watch = Stopwatch.StartNew();
        engine.CreateTemplate(image);
        return watch.Elapsed.TotalMilliseconds;
    }
}
