using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Visage.Server.Access;
using Visage.Server.Oversight;
using Visage.Server.Review;
using Visage.Server.Tests.Identity;
using Visage.Storage;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Recognition;

namespace Visage.Server.Tests.Oversight;

/// <summary>The audit log over HTTPS: queries find what the review steps recorded, the chain verifies, a subject's accounting of disclosures (JSON and FHIR).</summary>
[Collection(OversightCollection.Name)]
public sealed class AuditApiTests(OversightServer oversight)
{
    [Fact]
    public async Task Records_ByActorSubjectAndAction_FindTheReviewSteps_AndTheQueryIsItselfRecorded()
    {
        var id = await oversight.BorderlineCheckInAsync();
        var (reviewer, reviewerId) = await oversight.StaffAsync(Roles.Reviewer);
        var (security, securityId) = await oversight.StaffAsync(Roles.SecurityOfficer);
        using var a = reviewer;
        using var b = security;
        (await reviewer.GetAsync(new Uri($"/api/v1/reviews/{id}", UriKind.Relative))).EnsureSuccessStatusCode();
        (await reviewer.PostAsJsonAsync(new Uri($"/api/v1/reviews/{id}/decision", UriKind.Relative), new ReviewDecisionRequest("reject", null))).EnsureSuccessStatusCode();

        var byActor = await PageAsync(security, $"actor={reviewerId}");
        var bySubject = await PageAsync(security, $"subject={oversight.PatientA}");
        var byAction = await PageAsync(security, $"action={ReviewApi.DecideAction}&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", System.Globalization.CultureInfo.InvariantCulture))}");

        Assert.All(byActor.Records, r => Assert.Equal(reviewerId, r.Actor));
        // The account's own set-up and sign-in come first: the whole trail of that account.
        Assert.Equal("staff.setup", byActor.Records[0].Action);
        var reviewSteps = byActor.Records.Where(r => r.Action.StartsWith("review.", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [(ReviewApi.ShowAction, "started"), (ReviewApi.ShowAction, "success"), (ReviewApi.DecideAction, "started"), (ReviewApi.DecideAction, "success")],
            reviewSteps.Select(r => (r.Action, r.Outcome)));
        Assert.All(reviewSteps, r => Assert.Equal(Roles.Reviewer, r.ActorRole));
        Assert.All(bySubject.Records, r => Assert.Equal(oversight.PatientA.ToString(), r.Subject));
        Assert.Contains(bySubject.Records, r => r.Action == PatientCheckIn.Action);
        Assert.Contains(byAction.Records, r => r.Actor == reviewerId && r.Outcome == "success" && r.Reason!.Contains(id.ToString("N"), StringComparison.Ordinal));
        Assert.All(byAction.Records, r => Assert.Equal(ReviewApi.DecideAction, r.Action));
        var own = await oversight.RecordsOfAsync(securityId);
        Assert.Equal(3, own.Count(r => r is { Action: AuditApi.RecordsAction, Outcome: "success" }));
        Assert.Contains(own, r => r.Action == AuditApi.RecordsAction && r.Subject == oversight.PatientA.ToString());
    }

    [Fact]
    public async Task Records_PageBySequence_AndARangeBeforeAnyRecordIsEmpty()
    {
        var (security, _) = await oversight.StaffAsync(Roles.SecurityOfficer);
        using var _ = security;

        var first = await PageAsync(security, "limit=2");
        var second = await PageAsync(security, $"limit=2&after={first.NextAfter}");
        var before = await PageAsync(security, $"action={PatientCheckIn.Action}&to=2000-01-01T00:00:00Z");

        Assert.Equal(2, first.Records.Count);
        Assert.Equal(first.Records[^1].Sequence, first.NextAfter);
        Assert.Equal(2, second.Records.Count);
        Assert.True(second.Records[0].Sequence > first.Records[^1].Sequence);
        // Each record links to the one before it.
        Assert.Equal(first.Records[1].PreviousHash, first.Records[0].Hash);
        Assert.Empty(before.Records);
        Assert.Null(before.NextAfter);
    }

    [Theory]
    [InlineData("actor=someone&action=review.decide")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("after=-1")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    public async Task Records_WithAMalformedQuery_Are400BadInput_AndRecordedAsRefused(string query)
    {
        var (security, securityId) = await oversight.StaffAsync(Roles.SecurityOfficer);
        using var _ = security;

        using var response = await security.GetAsync(new Uri("/api/v1/audit/records?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(RefusalCodes.BadInput, await SignInTests.ReasonAsync(response));
        var record = Assert.Single(await oversight.RecordsOfAsync(securityId), r => r.Action == AuditApi.RecordsAction);
        Assert.Equal(("refused", RefusalCodes.BadInput), (record.Outcome, record.Reason));
    }

    [Fact]
    public async Task Verification_ReportsTheChainIntact_AndIsRecorded()
    {
        var (security, securityId) = await oversight.StaffAsync(Roles.SecurityOfficer);
        using var _ = security;

        using var response = await security.PostAsync(new Uri("/api/v1/audit/verification", UriKind.Relative), null);
        var result = (await response.Content.ReadFromJsonAsync<AuditVerificationView>(OversightServer.Json))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(result.Intact, $"{result.Break}: {result.Detail}");
        Assert.Null(result.Break);
        Assert.True(result.RecordsChecked > 10);
        Assert.Equal(result.RecordsChecked, result.LastSequence);
        var records = await oversight.RecordsOfAsync(securityId);
        Assert.Contains(records, r => r is { Action: AuditApi.VerifyAction, Outcome: "success" } && r.Reason!.StartsWith("intact", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disclosures_ListEveryRecordAboutTheSubject_AsJsonAndAsAFhirBundle()
    {
        await oversight.BorderlineCheckInAsync();
        var (officer, officerId) = await oversight.StaffAsync(Roles.PrivacyOfficer);
        using var _ = officer;
        var subject = oversight.PatientB;

        var records = await officer.GetFromJsonAsync<List<AuditRecordView>>(new Uri($"/api/v1/subjects/{subject}/disclosures", UriKind.Relative), OversightServer.Json);
        using var fhir = await officer.GetAsync(new Uri($"/api/v1/subjects/{subject}/disclosures?format=fhir", UriKind.Relative));
        using var bundle = JsonDocument.Parse(await fhir.Content.ReadAsStringAsync());
        using var xml = await officer.GetAsync(new Uri($"/api/v1/subjects/{subject}/disclosures?format=xml", UriKind.Relative));

        Assert.All(records!, r => Assert.Equal(subject.ToString(), r.Subject));
        Assert.Contains(records!, r => r.Action == "enrol");
        // The export is recorded before it reads, so it lists itself.
        Assert.Contains(records!, r => r is { Action: AuditApi.DisclosuresAction, Outcome: "started" } && r.Actor == officerId);
        Assert.Equal(AuditApi.FhirMediaType, fhir.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Bundle", bundle.RootElement.GetProperty("resourceType").GetString());
        var events = bundle.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).ToList();
        Assert.All(events, e => Assert.Equal("AuditEvent", e.GetProperty("resourceType").GetString()));
        // The JSON call's two records (started, success) and the FHIR call's own started record.
        Assert.Equal(records!.Count + 2, events.Count);
        Assert.Equal(HttpStatusCode.BadRequest, xml.StatusCode);
        Assert.Equal(RefusalCodes.BadInput, await SignInTests.ReasonAsync(xml));
    }

    [Fact]
    public async Task Disclosures_ForASecurityOfficer_AreForbidden()
    {
        var (security, _) = await oversight.StaffAsync(Roles.SecurityOfficer);
        using var _ = security;

        using var response = await security.GetAsync(new Uri($"/api/v1/subjects/{oversight.PatientA}/disclosures", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static async Task<AuditRecordPage> PageAsync(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<AuditRecordPage>(new Uri("/api/v1/audit/records?" + query, UriKind.Relative), OversightServer.Json))!;
}

/// <summary>Verification over HTTPS finds a record changed in the database behind the chain's back (its own server: the chain stays broken).</summary>
public sealed class AuditTamperTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-tamper-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task Verification_OfAChangedRecord_ReportsItModifiedAtItsSequence()
    {
        await using var server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));
        using var security = await server.StaffClientAsync(Roles.SecurityOfficer);
        var opened = await server.Services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync();
        await using (var connection = await opened.Database.OpenAsync())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE audit_records SET outcome = 'refused' WHERE sequence = 2;";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        using var response = await security.PostAsync(new Uri("/api/v1/audit/verification", UriKind.Relative), null);
        var result = (await response.Content.ReadFromJsonAsync<AuditVerificationView>(OversightServer.Json))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(result.Intact);
        Assert.Equal(("modified", (long?)2), (result.Break, result.FirstBrokenSequence));
    }
}
