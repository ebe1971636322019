using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.EndToEndTests.Browser;
using Visage.Server.Identity;

namespace Visage.Server.EndToEndTests.Pages.Officers;

/// <summary>The officers' audit page in Chromium: a search finds what was done earlier, and the chain check says it is intact.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class AuditPageTests(Chromium chromium) : OwnServer
{
    [Fact]
    public async Task Officer_FindsAnEarlierAction_AndVerifiesTheChain()
    {
        // Something done earlier, through the same service the API uses: an administrator makes a kiosk key.
        await Server.Services.GetRequiredService<ApiKeys>().CreateAsync(new AuditActor("test-admin", Roles.Administrator), "lobby kiosk", [Roles.Kiosk], Visage.Gallery.Purposes.CheckIn, 30);
        var (userId, secret) = await StaffInBrowser.NewAccountAsync(Server, Roles.PrivacyOfficer);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await StaffInBrowser.SignInAsync(page, Server, userId, Server.TotpNow(secret));
        await page.GetByRole(AriaRole.Link, new() { Name = "Search the audit log and verify its chain" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Audit log");
        await PageChecks.CheckAsync(page, "audit");

        var byActor = await OfficerInBrowser.SearchAuditAsync(page, Server, "actor", "test-admin");
        Assert.Contains("apikey.create", byActor);
        var byAction = await OfficerInBrowser.SearchAuditAsync(page, Server, "action", "apikey.create");
        Assert.NotEmpty(byAction);
        Assert.All(byAction, a => Assert.Equal("apikey.create", a));
        await PageChecks.CheckAsync(page, "audit-search");

        var verified = await OfficerInBrowser.VerifyChainAsync(page, Server);
        Assert.StartsWith("Verified", verified, StringComparison.Ordinal);
        await PageChecks.CheckAsync(page, "audit-verified");

        // The page's search and check were recorded as the API's are, under the officer's role.
        var records = await Server.AuditRecordsAsync();
        Assert.Contains(records, r => r.Action == "audit.records.read" && r.Actor == userId && r.ActorRole == Roles.PrivacyOfficer && r.Outcome == AuditedOperation.Success);
        Assert.Contains(records, r => r.Action == "audit.verify" && r.Actor == userId && r.Outcome == AuditedOperation.Success);
    }

    [Fact]
    public async Task Search_WithNothingToLookFor_SaysSoPlainly()
    {
        var (userId, secret) = await StaffInBrowser.NewAccountAsync(Server, Roles.SecurityOfficer);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await StaffInBrowser.SignInAsync(page, Server, userId, Server.TotpNow(secret));
        await page.GotoAsync(new Uri(Server.Address, "/audit").ToString());
        await page.GetByLabel("Search by").SelectOptionAsync("action");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("type what to look for");
        await PageChecks.CheckAsync(page, "audit-refused");
    }
}
