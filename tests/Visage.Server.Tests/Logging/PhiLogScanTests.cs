using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Consent;
using Visage.Server.Endpoints;
using Visage.Server.People;
using Visage.Workflows.Recognition;

namespace Visage.Server.Tests.Logging;

/// <summary>
/// Known PHI — a name, a birth date, an MRN, an EHR id, an order id — sent through every endpoint (a real story with valid
/// requests, then every declared endpoint with a body carrying the same values in every field it might read), with the
/// server logging everything at Debug, framework included (stricter than <c>serve</c>, which keeps the framework at
/// warnings). Neither any log entry nor any answer but the one details read the story asks for may contain any of them.
/// </summary>
public sealed class PhiLogScanTests : IDisposable
{
    private const string Name = "Zelda Quixote-Marchbanks";
    private const string BirthDate = "1961-04-23";
    private const string Mrn = "MRN-7Q4Z91";
    private const string EhrId = "EHR-88Z3KQ";
    private const string OrderId = "ORD-55123-ZX";
    private static readonly string[] Secrets = [Name, "Zelda", "Quixote", "Marchbanks", BirthDate, "23/04/1961", "04/23/1961", Mrn, "7Q4Z91", EhrId, OrderId];
    private static readonly string Faces = Path.Combine(Face.SharedDataLocator.Find(), "faces", "deepface");
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-logscan-");
    private readonly CapturedLogs logs = new();
    private readonly List<(string Request, string Body)> answers = [];

    public void Dispose()
    {
        logs.Dispose();
        root.Delete(recursive: true);
    }

    [Fact]
    public async Task NoPhiSentThroughAnyEndpoint_ReachesTheLogsOrAnyOtherAnswer()
    {
        await using var server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"), compose: builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
        });
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var role in Roles.All)
        {
            clients[role] = Roles.IsDevice(role) ? await server.KeyClientAsync(Purposes.Recognition, role) : await server.StaffClientAsync(role);
        }

        try
        {
            var details = await StoryAsync(clients);
            await EveryEndpointAsync(server, clients);

            // The story's one details read is the only answer allowed to hold the details, and it did.
            Assert.Contains(Name, details, StringComparison.Ordinal);
            Assert.Contains(Mrn, details, StringComparison.Ordinal);
            Assert.NotEmpty(logs.Entries);
            Assert.Empty(Leaks(logs.Entries.Select(e => ("log", e))));
            Assert.Empty(Leaks(answers));
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>The valid path: purposes, notice, the patient registered with the details, found, consented, enrolled, checked in, confirmed for an order, withdrawn.</summary>
    private async Task<string> StoryAsync(Dictionary<string, HttpClient> clients)
    {
        var officer = clients[Roles.PrivacyOfficer];
        var clerk = clients[Roles.FrontDesk];
        var clinician = clients[Roles.Clinician];
        foreach (var purpose in new[] { "check-in", "step-up", "emergency-identification" })
        {
            await SendAsync(officer, HttpMethod.Post, $"/api/v1/purposes/{purpose}/approval", new PurposeDecisionRequest("Approved by the privacy committee, DPIA-2026-11"), expect: 201);
        }

        await SendAsync(officer, HttpMethod.Post, "/api/v1/consent/notice", new PublishNoticeRequest("Visage compares your face with the photos you agree to store, for the purposes you choose.", "en"), expect: 201);
        var registered = await SendAsync(clerk, HttpMethod.Post, "/api/v1/subjects", new RegisterSubjectRequest("patient", Name, DateOnly.Parse(BirthDate, System.Globalization.CultureInfo.InvariantCulture), Mrn, EhrId), expect: 201);
        var id = System.Text.Json.JsonDocument.Parse(registered).RootElement.GetProperty("id").GetGuid();
        await SendAsync(clerk, HttpMethod.Post, "/api/v1/subjects", new RegisterSubjectRequest("patient", Name, DateOnly.Parse(BirthDate, System.Globalization.CultureInfo.InvariantCulture), Mrn, EhrId), expect: 400);
        await SendAsync(clerk, HttpMethod.Post, "/api/v1/subjects/search", new FindSubjectRequest(Mrn), expect: 200);
        await SendAsync(clerk, HttpMethod.Post, "/api/v1/subjects/search", new FindSubjectRequest(Name), expect: 400);
        var details = await SendAsync(clerk, HttpMethod.Get, $"/api/v1/subjects/{id}/details", null, keep: false, expect: 200);
        await SendAsync(clerk, HttpMethod.Post, $"/api/v1/subjects/{id}/consents", new GrantConsentRequest(1, ["check-in", "step-up", "emergency-identification"], "kiosk-signature", "patient", null, null), expect: 201);
        await SendAsync(clerk, HttpMethod.Post, $"/api/v1/subjects/{id}/enrolment", new { images = new[] { Photo("img1.jpg"), Photo("img2.jpg") } }, expect: 201);
        await SendAsync(clients[Roles.Kiosk], HttpMethod.Post, "/api/v1/check-ins", new { image = Photo("img4.jpg"), claimedSubject = id }, expect: 200);
        await SendAsync(clinician, HttpMethod.Post, $"/api/v1/subjects/{id}/right-patient", new { image = Photo("img5.jpg"), orderId = OrderId }, expect: 200);
        await SendAsync(clinician, HttpMethod.Post, $"/api/v1/subjects/{id}/verification", new { image = Photo("img5.jpg"), secondFactor = new { kind = "badge", verified = true } }, expect: 200);
        await SendAsync(clinician, HttpMethod.Post, "/api/v1/emergency/identifications", new { image = Photo("img11.jpg"), reason = "unresponsive" }, expect: 200);
        await SendAsync(clerk, HttpMethod.Post, $"/api/v1/subjects/{id}/consents/withdrawal", new WithdrawConsentRequest("withdrawn"), expect: 200);
        return details;
    }

    /// <summary>Every declared endpoint, called by a role allowed to, with every field it might read set to PHI (and once as broken JSON around it).</summary>
    private async Task EveryEndpointAsync(ServerHarness server, Dictionary<string, HttpClient> clients)
    {
        var laden = new Dictionary<string, object?>
        {
            ["kind"] = Name, ["name"] = Name, ["birthDate"] = BirthDate, ["mrn"] = Mrn, ["ehrPatientId"] = EhrId, ["orderId"] = OrderId,
            ["reason"] = Name, ["rationale"] = $"{Name} {Mrn}", ["text"] = Name, ["language"] = Name, ["method"] = Name, ["givenBy"] = Name,
            ["evidenceSha256"] = Mrn, ["purposes"] = new[] { Name }, ["decision"] = Name, ["outcome"] = Name, ["userId"] = Mrn, ["password"] = Name,
            ["token"] = Mrn, ["totp"] = Mrn, ["roles"] = new[] { Name }, ["role"] = Name, ["minutes"] = 5, ["days"] = 5,
            ["image"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Name)), ["images"] = new[] { Convert.ToBase64String(Encoding.UTF8.GetBytes(Mrn)) },
            ["livenessNonce"] = Mrn, ["secondFactor"] = new { kind = Name, verified = true },
        };
        foreach (var endpoint in server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var declaration = endpoint.Metadata.GetMetadata<EndpointDeclaration>()!;
            var method = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Single();
            if (method is not ("POST" or "PUT" or "PATCH" or "DELETE") || !endpoint.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            {
                continue;
            }

            var client = declaration.IsAnonymous ? clients[Roles.FrontDesk] : clients[Roles.All.First(r => RolePermissions.Grants(r, declaration.Permission!))];
            var path = string.Join('/', endpoint.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p is Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal ? literal.Content : Guid.NewGuid().ToString()))));
            await SendAsync(client, new HttpMethod(method), "/" + path, laden);
            await SendRawAsync(client, new HttpMethod(method), "/" + path, $"{{\"name\": \"{Name}\", \"mrn\": \"{Mrn}\", \"birthDate\": {BirthDate}");
        }
    }

    private async Task<string> SendAsync(HttpClient client, HttpMethod method, string path, object? body, bool keep = true, int? expect = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (expect is not null)
        {
            Assert.True(expect == (int)response.StatusCode, $"{method} {path}: {(int)response.StatusCode}");
        }

        if (keep)
        {
            answers.Add(($"{method} {path} → {(int)response.StatusCode}", text + response.Headers + response.Content.Headers));
        }

        return text;
    }

    private async Task SendRawAsync(HttpClient client, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        answers.Add(($"{method} {path} (broken JSON) → {(int)response.StatusCode}", await response.Content.ReadAsStringAsync() + response.Headers));
    }

    private static List<string> Leaks(IEnumerable<(string Where, string Text)> texts) =>
        texts.SelectMany(t => Secrets.Where(s => t.Text.Contains(s, StringComparison.OrdinalIgnoreCase)).Select(s => $"{t.Where}: contains '{s}'")).ToList();

    private static string Photo(string name) => Convert.ToBase64String(File.ReadAllBytes(Path.Combine(Faces, name)));
}
