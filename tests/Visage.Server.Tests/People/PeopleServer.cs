using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.People;
using Visage.Storage;
using Visage.Workflows.Consent;
using Visage.Workflows.PurposeApprovals;

namespace Visage.Server.Tests.People;

/// <summary>
/// One real server shared by the people, consent and purposes tests (starting one costs seconds): check-in approved and
/// an English notice published at start. The tests share it without interfering: each registers its own people with
/// their own MRNs; only the purposes tests decide on step-up, and nothing ever approves research.
/// </summary>
public sealed class PeopleServer : IAsyncLifetime
{
    public const string Collection = "people and consent server";

    /// <summary>Who arranges data through the services directly (the privacy office's acts a test presupposes).</summary>
    internal static readonly AuditActor Arranger = new("po-arrange", Roles.PrivacyOfficer);

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-people-");

    internal ServerHarness Server { get; private set; } = null!;

    /// <summary>The English notice version published at start.</summary>
    internal int NoticeVersion { get; private set; }

    /// <summary>One signed-in client per role, made at start: sign-ins are few a minute per address, by design.</summary>
    internal HttpClient Desk { get; private set; } = null!;

    internal HttpClient Officer { get; private set; } = null!;

    internal HttpClient Reviewer { get; private set; } = null!;

    internal HttpClient Clinician { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));
        await Server.Services.GetRequiredService<PurposeRegistry>().ApproveAsync(Arranger, Purposes.CheckIn, "DPIA 2024-07, committee minute 12: kiosk check-in");
        NoticeVersion = (await Server.Services.GetRequiredService<ConsentNotices>().AddAsync(Arranger, "Visage compares your face with the photos you agree to store. You may withdraw at any time.", "en")).Version;
        Desk = await Server.StaffClientAsync(Roles.FrontDesk);
        Officer = await Server.StaffClientAsync(Roles.PrivacyOfficer);
        Reviewer = await Server.StaffClientAsync(Roles.Reviewer);
        Clinician = await Server.StaffClientAsync(Roles.Clinician);
    }

    public async Task DisposeAsync()
    {
        Desk.Dispose();
        Officer.Dispose();
        Reviewer.Dispose();
        Clinician.Dispose();
        await Server.DisposeAsync();
        root.Delete(recursive: true);
    }

    /// <summary>Every audit record naming <paramref name="subject"/>, read through the audit log's query API.</summary>
    internal async Task<IReadOnlyList<AuditRecord>> AuditOfAsync(Guid subject)
    {
        var opened = await Server.Services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync();
        return (await new AuditQueries(opened.Database).BySubjectAsync(subject.ToString(), limit: AuditQueries.MaxPageSize)).Records;
    }

    /// <summary>Every audit record of <paramref name="action"/>.</summary>
    internal async Task<IReadOnlyList<AuditRecord>> AuditOfAsync(string action)
    {
        var opened = await Server.Services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync();
        return (await new AuditQueries(opened.Database).ByActionAsync(action, limit: AuditQueries.MaxPageSize)).Records;
    }

    /// <summary>Registers a patient over the API and gives their id.</summary>
    internal static async Task<Guid> RegisterAsync(HttpClient client, RegisterSubjectRequest request)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/api/v1/subjects", UriKind.Relative), request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SubjectView>())!.Id;
    }

    /// <summary>An MRN no other test uses.</summary>
    internal static string NewMrn() => "MRN-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    internal static async Task<string?> ReasonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
    }
}

[CollectionDefinition(PeopleServer.Collection)]
public sealed class PeopleServerCollection : ICollectionFixture<PeopleServer>;
