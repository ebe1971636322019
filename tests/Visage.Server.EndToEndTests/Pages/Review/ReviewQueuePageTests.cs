using Microsoft.Playwright;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.EndToEndTests.Browser;
using Visage.Server.Review;
using Visage.Server.Tests.Oversight;
using Visage.Workflows.Review;

namespace Visage.Server.EndToEndTests.Pages.Review;

/// <summary>
/// The review queue in Chromium: a borderline check-in (img4 of patient A, accepted only at 0.95) creates an item; a
/// reviewer signs in, sees the probe picture beside both candidates with their scores and the model version, confirms;
/// the item leaves the queue, the audit log holds the showing and the decision, and the override report counts it.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class ReviewQueuePageTests(Chromium chromium, OversightServer oversight) : IClassFixture<OversightServer>
{
    [Fact]
    public async Task BorderlineCheckIn_IsConfirmedByAReviewer_LeavesTheQueue_AndTheAuditHasTheDecision()
    {
        var id = await oversight.BorderlineCheckInAsync();
        var item = await oversight.Get<ReviewWorklist>().GetAsync(id);
        Assert.Equal(ReviewStatus.Open, item!.Status);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var reviewer = await ReviewerInBrowser.SignInAsync(page, oversight.Server);

        await page.GotoAsync(new Uri(oversight.Server.Address, "/review").ToString());
        var queue = page.Locator("#queue");
        await Assertions.Expect(queue.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(queue).ToContainTextAsync("Check-in with a borderline score");
        await Assertions.Expect(queue).ToContainTextAsync(item.ModelVersion);
        await PageChecks.CheckAsync(page, "review-queue");
        Assert.DoesNotContain(id.ToString(), page.Url, StringComparison.OrdinalIgnoreCase);

        await ReviewerInBrowser.OpenFirstAsync(page, oversight.Server);
        Assert.DoesNotContain(id.ToString(), page.Url, StringComparison.OrdinalIgnoreCase);
        await Assertions.Expect(page.Locator("#model-version")).ToHaveTextAsync(item.ModelVersion);
        var rows = page.Locator("#candidates tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync(oversight.PatientA.ToString());
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync(item.Candidates[0].Score.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("proposed");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync(oversight.PatientB.ToString());
        await PageChecks.CheckAsync(page, "review-item");

        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm the proposed person" }).ClickAsync();
        await Assertions.Expect(page.Locator("#review-outcome")).ToContainTextAsync("Confirmed");
        await PageChecks.CheckAsync(page, "review-decided");

        await page.GotoAsync(new Uri(oversight.Server.Address, "/review").ToString());
        await Assertions.Expect(page.Locator("#queue-empty")).ToHaveTextAsync("Nothing waits for review.");
        Assert.Equal(ReviewStatus.Confirmed, (await oversight.Get<ReviewWorklist>().GetAsync(id))!.Status);
        var records = await oversight.RecordsOfAsync(reviewer);
        Assert.Contains(records, r => r is { Action: ReviewApi.ShowAction, Outcome: AuditedOperation.Success } && r.Subject == oversight.PatientA.ToString());
        Assert.Contains(records, r => r is { Action: ReviewApi.DecideAction, Outcome: AuditedOperation.Success } && r.Subject == oversight.PatientA.ToString() && r.ModelVersion == item.ModelVersion);
        Assert.Contains(records, r => r is { Action: ReviewApi.ListAction, Outcome: AuditedOperation.Success });

        await page.GetByRole(AriaRole.Link, new() { Name = "Override report" }).ClickAsync();
        await Assertions.Expect(page.Locator("#by-reviewer")).ToContainTextAsync(reviewer);
        await PageChecks.CheckAsync(page, "review-report");

        // The patient disagrees: a privacy officer records the appeal beside the decision.
        await using var officerContext = await chromium.NewContextAsync();
        var officerPage = await officerContext.NewPageAsync();
        var (officerId, secret) = await StaffInBrowser.NewAccountAsync(oversight.Server, Roles.PrivacyOfficer);
        await StaffInBrowser.SignInAsync(officerPage, oversight.Server, officerId, oversight.Server.TotpNow(secret));
        await Assertions.Expect(officerPage).ToHaveURLAsync(new Uri(oversight.Server.Address, "/").ToString());
        await officerPage.GotoAsync(new Uri(oversight.Server.Address, "/review/appeal").ToString());
        await Assertions.Expect(officerPage.Locator("#decided tbody tr")).ToHaveCountAsync(1);
        await PageChecks.CheckAsync(officerPage, "review-appeals");
        await officerPage.GetByRole(AriaRole.Button, new() { Name = "Decision 1 upheld" }).ClickAsync();
        await Assertions.Expect(officerPage.Locator("#appeal-outcome")).ToHaveTextAsync("Appeal recorded: the decision was upheld.");
        await Assertions.Expect(officerPage.Locator("#appeal-none")).ToBeVisibleAsync();
        Assert.Equal("upheld", (await oversight.Get<ReviewWorklist>().GetAsync(id))!.AppealOutcome);
        Assert.Contains(await oversight.RecordsOfAsync(officerId), r => r is { Action: ReviewApi.AppealAction, Outcome: AuditedOperation.Success });
    }
}
