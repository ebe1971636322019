using System.Net;
using System.Net.Http.Json;
using System.Text;
using Visage.Server.Access;
using Visage.Server.Review;
using Visage.Server.Tests.Identity;
using Visage.Server.Tests.Oversight;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Server.Tests.Review;

/// <summary>The review queue over HTTPS: a reviewer lists, opens (with the probe) and decides; a privacy officer records an appeal; the refusals.</summary>
[Collection(OversightCollection.Name)]
public sealed class ReviewApiTests(OversightServer oversight)
{
    [Fact]
    public async Task ListAndShow_TheOpenItem_WithItsProbeCandidatesAndModelVersion()
    {
        var id = await oversight.BorderlineCheckInAsync();
        var (reviewer, reviewerId) = await oversight.StaffAsync(Roles.Reviewer);
        using var _ = reviewer;

        var open = await reviewer.GetFromJsonAsync<List<ReviewItemView>>(new Uri("/api/v1/reviews?status=open", UriKind.Relative), OversightServer.Json);
        var shown = await reviewer.GetFromJsonAsync<ReviewItemShown>(new Uri($"/api/v1/reviews/{id}", UriKind.Relative), OversightServer.Json);

        var listed = Assert.Single(open!, i => i.Id == id);
        Assert.Equal(("check-in", "open", "check-in"), (listed.Kind, listed.Status, listed.Purpose));
        Assert.Equal(oversight.PatientA, listed.ProposedSubject);
        Assert.Equal(OversightServer.Photo("img4.jpg"), Convert.FromBase64String(shown!.ProbeImage!));
        Assert.Equal([oversight.PatientA, oversight.PatientB], shown.Item.Candidates.Select(c => c.SubjectId));
        Assert.True(shown.Item.Candidates[0].Score > shown.Item.Candidates[1].Score);
        Assert.InRange(shown.Item.Candidates[0].Score, 0.30f, 0.95f);
        Assert.False(string.IsNullOrWhiteSpace(shown.Item.ModelVersion));
        var records = await oversight.RecordsOfAsync(reviewerId);
        Assert.Contains(records, r => r is { Action: ReviewApi.ListAction, Outcome: "success" });
        Assert.Contains(records, r => r is { Action: ReviewApi.ShowAction, Outcome: "success" } && r.Subject == oversight.PatientA.ToString());
    }

    [Fact]
    public async Task Decide_Once_ASecondDecisionIsRefused_AndAPrivacyOfficerRecordsOneAppeal()
    {
        var id = await oversight.BorderlineCheckInAsync();
        var (reviewer, reviewerId) = await oversight.StaffAsync(Roles.Reviewer);
        var (officer, officerId) = await oversight.StaffAsync(Roles.PrivacyOfficer);
        using var _ = reviewer;
        using var __ = officer;

        using var confirm = await reviewer.PostAsJsonAsync(Decision(id), new ReviewDecisionRequest("confirm", null));
        using var again = await reviewer.PostAsJsonAsync(Decision(id), new ReviewDecisionRequest("reject", null));
        using var appeal = await officer.PostAsJsonAsync(Appeal(id), new ReviewAppealRequest("upheld"));
        using var appealAgain = await officer.PostAsJsonAsync(Appeal(id), new ReviewAppealRequest("overturned"));
        var report = await reviewer.GetFromJsonAsync<OverrideReportView>(new Uri("/api/v1/reviews/report", UriKind.Relative), OversightServer.Json);
        var confirmed = await reviewer.GetFromJsonAsync<List<ReviewItemView>>(new Uri("/api/v1/reviews?status=confirmed", UriKind.Relative), OversightServer.Json);

        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var decided = (await confirm.Content.ReadFromJsonAsync<ReviewItemView>(OversightServer.Json))!;
        Assert.Equal(("confirmed", oversight.PatientA, reviewerId), (decided.Status, decided.ChosenSubject, decided.DecidedBy));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(RefusalCodes.AlreadyDecided, await SignInTests.ReasonAsync(again));
        Assert.Equal(HttpStatusCode.OK, appeal.StatusCode);
        var appealed = (await appeal.Content.ReadFromJsonAsync<ReviewItemView>(OversightServer.Json))!;
        Assert.Equal(("upheld", officerId), (appealed.AppealOutcome, appealed.AppealBy));
        Assert.Equal(HttpStatusCode.BadRequest, appealAgain.StatusCode);
        Assert.Equal(RefusalCodes.AlreadyAppealed, await SignInTests.ReasonAsync(appealAgain));
        Assert.Contains(confirmed!, i => i.Id == id && i.AppealOutcome == "upheld");
        Assert.Equal(new OverrideRowView(reviewerId, 1, 0, 0, 1), Assert.Single(report!.ByReviewer, r => r.Key == reviewerId));
        Assert.Contains(report.ByModelVersion, r => r.Key == decided.ModelVersion);
    }

    [Fact]
    public async Task Decide_ChoosingTheOtherCandidate_Reassigns_AndChoosingNoOneIsRefused()
    {
        var id = await oversight.BorderlineCheckInAsync();
        var (reviewer, _) = await oversight.StaffAsync(Roles.Reviewer);
        using var client = reviewer;

        using var nobody = await client.PostAsJsonAsync(Decision(id), new ReviewDecisionRequest("choose", null));
        using var chosen = await client.PostAsJsonAsync(Decision(id), new ReviewDecisionRequest("choose", oversight.PatientB));

        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.Equal(RefusalCodes.UnknownCandidates, await SignInTests.ReasonAsync(nobody));
        var item = (await chosen.Content.ReadFromJsonAsync<ReviewItemView>(OversightServer.Json))!;
        Assert.Equal(("reassigned", oversight.PatientB), (item.Status, item.ChosenSubject));
    }

    [Fact]
    public async Task BadInput_UnknownItem404_MalformedJson400_UnknownDecisionOrStatus400_AndTheItemStaysOpen()
    {
        var id = await oversight.BorderlineCheckInAsync();
        var (reviewer, reviewerId) = await oversight.StaffAsync(Roles.Reviewer);
        using var client = reviewer;

        using var unknownShow = await client.GetAsync(new Uri($"/api/v1/reviews/{Guid.NewGuid()}", UriKind.Relative));
        using var unknownDecide = await client.PostAsJsonAsync(Decision(Guid.NewGuid()), new ReviewDecisionRequest("confirm", null));
        using var malformed = await client.PostAsync(Decision(id), new StringContent("{\"decision\": \"confirm\"", Encoding.UTF8, "application/json"));
        using var badSubject = await client.PostAsync(Decision(id), new StringContent("{\"decision\": \"choose\", \"subject\": \"not-a-guid\"}", Encoding.UTF8, "application/json"));
        using var maybe = await client.PostAsJsonAsync(Decision(id), new ReviewDecisionRequest("maybe", null));
        using var badStatus = await client.GetAsync(new Uri("/api/v1/reviews?status=pending", UriKind.Relative));
        var after = await client.GetFromJsonAsync<ReviewItemShown>(new Uri($"/api/v1/reviews/{id}", UriKind.Relative), OversightServer.Json);

        Assert.Equal(HttpStatusCode.NotFound, unknownShow.StatusCode);
        Assert.Equal(RefusalCodes.UnknownReviewItem, await SignInTests.ReasonAsync(unknownShow));
        Assert.Equal(HttpStatusCode.NotFound, unknownDecide.StatusCode);
        Assert.Equal(RefusalCodes.UnknownReviewItem, await SignInTests.ReasonAsync(unknownDecide));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badSubject.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, maybe.StatusCode);
        Assert.Equal(RefusalCodes.BadInput, await SignInTests.ReasonAsync(maybe));
        Assert.DoesNotContain("maybe", await maybe.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal(RefusalCodes.BadInput, await SignInTests.ReasonAsync(badStatus));
        Assert.Equal(ReviewStatus.Open.ToCode(), after!.Item.Status);
        var records = await oversight.RecordsOfAsync(reviewerId);
        Assert.Contains(records, r => r is { Action: ReviewApi.DecideAction, Outcome: "refused", Reason: RefusalCodes.BadInput });
        Assert.Contains(records, r => r is { Action: ReviewApi.ShowAction, Outcome: "refused", Reason: RefusalCodes.UnknownReviewItem });
        Assert.DoesNotContain(records, r => r is { Action: ReviewApi.DecideAction, Outcome: "success" });
    }

    [Fact]
    public async Task Roles_AnOfficerCannotDecide_AndAReviewerCannotRecordAnAppeal()
    {
        var id = await oversight.BorderlineCheckInAsync();
        var (officer, _) = await oversight.StaffAsync(Roles.PrivacyOfficer);
        var (reviewer, _) = await oversight.StaffAsync(Roles.Reviewer);
        using var a = officer;
        using var b = reviewer;

        using var decide = await officer.PostAsJsonAsync(Decision(id), new ReviewDecisionRequest("confirm", null));
        using var appeal = await reviewer.PostAsJsonAsync(Appeal(id), new ReviewAppealRequest("upheld"));

        Assert.Equal(HttpStatusCode.Forbidden, decide.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, appeal.StatusCode);
    }

    private static Uri Decision(Guid id) => new($"/api/v1/reviews/{id}/decision", UriKind.Relative);

    private static Uri Appeal(Guid id) => new($"/api/v1/reviews/{id}/appeal", UriKind.Relative);
}
