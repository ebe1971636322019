using System.Net;
using System.Net.Http.Json;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Consent;
using Visage.Server.Tests.People;

namespace Visage.Server.Tests.Consent;

/// <summary>The purposes and the privacy office's decisions on them, over real Kestrel. Only step-up is decided here.</summary>
[Collection(PeopleServer.Collection)]
public sealed class PurposesApiTests(PeopleServer shared)
{
    private ServerHarness Server => shared.Server;

    [Fact]
    public async Task List_ShowsEveryRecognitionPurpose_WithTheDecisionInForce()
    {
        var reviewer = shared.Reviewer;

        var purposes = await reviewer.GetFromJsonAsync<List<PurposeView>>(Uri("/api/v1/purposes"));

        Assert.Equal(["check-in", "emergency-identification", "step-up", "research", "duplicate-detection"], purposes!.Select(p => p.Code));
        var checkIn = purposes![0];
        Assert.True(checkIn.Approved);
        Assert.Equal("approved", checkIn.InForce!.Decision);
        Assert.Equal(PeopleServer.Arranger.Id, checkIn.InForce.DecidedBy);
        Assert.StartsWith("DPIA 2024-07", checkIn.InForce.Rationale, StringComparison.Ordinal);
        var research = purposes.Single(p => p.Code == "research");
        Assert.False(research.Approved);
        Assert.Null(research.InForce);
    }

    [Fact]
    public async Task ApproveThenRevoke_ChangesTheDecisionInForce_KeepsBothInTheHistory_AndIsAudited()
    {
        var officer = shared.Officer;

        using var approved = await officer.PostAsJsonAsync(Uri("/api/v1/purposes/step-up/approval"), new PurposeDecisionRequest("DPIA 2024-09: step-up before opening a record"));
        var approval = await approved.Content.ReadFromJsonAsync<PurposeDecisionView>();
        var whileApproved = (await officer.GetFromJsonAsync<List<PurposeView>>(Uri("/api/v1/purposes")))!.Single(p => p.Code == "step-up");
        using var revoked = await officer.PostAsJsonAsync(Uri("/api/v1/purposes/step-up/revocation"), new PurposeDecisionRequest("Committee minute 31: paused pending the fairness report"));
        var revocation = await revoked.Content.ReadFromJsonAsync<PurposeDecisionView>();
        var afterwards = (await officer.GetFromJsonAsync<List<PurposeView>>(Uri("/api/v1/purposes")))!.Single(p => p.Code == "step-up");
        var history = await officer.GetFromJsonAsync<List<PurposeDecisionView>>(Uri("/api/v1/purposes/step-up/decisions"));

        Assert.Equal(HttpStatusCode.Created, approved.StatusCode);
        Assert.Equal("approved", approval!.Decision);
        Assert.Equal("step-up", approval.Purpose);
        Assert.True(whileApproved.Approved);
        Assert.Equal(HttpStatusCode.Created, revoked.StatusCode);
        Assert.Equal("revoked", revocation!.Decision);
        Assert.False(afterwards.Approved);
        Assert.Equal(revocation.Id, afterwards.InForce!.Id);
        Assert.Equal([approval.Id, revocation.Id], history!.TakeLast(2).Select(d => d.Id));
        Assert.Contains(await shared.AuditOfAsync("purpose.approve"), r => r.Outcome == AuditedOperation.Success && r.Reason == $"step-up; decision {approval.Id:N}" && r.ActorRole == Roles.PrivacyOfficer);
        Assert.Contains(await shared.AuditOfAsync("purpose.revoke"), r => r.Outcome == AuditedOperation.Success && r.Reason == $"step-up; decision {revocation.Id:N}");
    }

    [Fact]
    public async Task Decide_RefusesUnknownCodes_MissingRationales_AndRolesWithoutThePermission()
    {
        var officer = shared.Officer;
        var desk = shared.Desk;

        using var unknown = await officer.PostAsJsonAsync(Uri("/api/v1/purposes/mind-reading/approval"), new PurposeDecisionRequest("DPIA 1"));
        using var notRecognition = await officer.PostAsJsonAsync(Uri("/api/v1/purposes/operations/approval"), new PurposeDecisionRequest("DPIA 1"));
        using var unknownHistory = await officer.GetAsync(Uri("/api/v1/purposes/mind-reading/decisions"));
        using var noRationale = await officer.PostAsJsonAsync(Uri("/api/v1/purposes/research/approval"), new PurposeDecisionRequest("  "));
        using var byDesk = await desk.PostAsJsonAsync(Uri("/api/v1/purposes/research/approval"), new PurposeDecisionRequest("DPIA 1"));
        var research = (await desk.GetFromJsonAsync<List<PurposeView>>(Uri("/api/v1/purposes")))!.Single(p => p.Code == "research");

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("bad-input", await PeopleServer.ReasonAsync(unknown));
        Assert.DoesNotContain("mind-reading", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notRecognition.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownHistory.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noRationale.StatusCode);
        Assert.Equal("bad-input", await PeopleServer.ReasonAsync(noRationale));
        Assert.Equal(HttpStatusCode.Forbidden, byDesk.StatusCode);
        Assert.False(research.Approved);
        Assert.Contains(await shared.AuditOfAsync("purpose.approve"), r => r.Outcome == AuditedOperation.Refused && r.Reason == "research; rationale-length");
    }

    private static Uri Uri(string path) => new(path, UriKind.Relative);
}
