using Microsoft.Playwright;
using Visage.Audit;
using Visage.Server.EndToEndTests.Browser;
using Visage.Server.Tests;
using Visage.Workflows.CheckIn;

namespace Visage.Server.EndToEndTests.Pages.Kiosk;

/// <summary>
/// A site that requires the active liveness challenge: the kiosk shows its instruction in plain words and sends the
/// frames it took while the person turned. A photograph held still (the fake camera's picture) cannot turn its head:
/// the desk, and the refusal is audited with its liveness reason.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class KioskLivenessTests(Chromium chromium) : OwnServer
{
    private string kioskKey = null!;

    internal override async Task<ServerHarness> StartAsync()
    {
        (var server, kioskKey) = await KioskSite.StartAsync(
            Root,
            new Dictionary<string, string?>
            {
                ["Recognition:CheckInSearchAll"] = "true",
                ["Recognition:CheckInSearchAllAccepts"] = "true",
                ["Recognition:RequireActiveLiveness"] = "true",
            },
            enrol: false);
        return server;
    }

    [Fact]
    public async Task AStillPhoto_GetsTheTurnInstruction_CannotFollowIt_AndIsSentToTheDesk()
    {
        await using var browser = await chromium.LaunchAsync(FakeCamera.Arguments(await FakeCamera.VideoOfAsync(Path.Combine(KioskSite.Faces, "img4.jpg"), Root.FullName)));
        await using var context = await Chromium.NewContextAsync(browser);
        var page = await context.NewPageAsync();
        await KioskSite.PairAsync(page, Server, kioskKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check in with my face" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('preview').videoWidth > 0");

        await page.GetByRole(AriaRole.Button, new() { Name = "Take my picture" }).ClickAsync();

        await Assertions.Expect(page.Locator("#instruction")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Turn your head slowly to your (left|right), now\\.$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 }).Filter(new() { Visible = true })).ToHaveTextAsync("Please see the front desk");
        var refused = Assert.Single(await Server.AuditRecordsAsync(), r => r.Action == PatientCheckIn.Action && r.Outcome == AuditedOperation.Refused);
        Assert.StartsWith("liveness-", refused.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(await Server.AuditRecordsAsync(), r => r.Action == PatientCheckIn.Action && r.Outcome == AuditedOperation.Success);
    }
}
