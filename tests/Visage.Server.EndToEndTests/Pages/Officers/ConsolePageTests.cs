using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.EndToEndTests.Browser;
using Visage.Server.Identity;

namespace Visage.Server.EndToEndTests.Pages.Officers;

/// <summary>Purposes, device keys and the access review in Chromium, over the same services as their API twins.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class ConsolePageTests(Chromium chromium) : OwnServer
{
    [Fact]
    public async Task PrivacyOfficer_ApprovesAPurposeWithARationale_AndIsToldPlainlyWhenOneIsMissing()
    {
        var page = await SignedInAsAsync(Roles.PrivacyOfficer);
        await page.GetByRole(AriaRole.Link, new() { Name = "Approve or revoke a purpose" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Purposes");
        await PageChecks.CheckAsync(page, "purposes");

        await page.GetByRole(AriaRole.Button, new() { Name = "Approve research" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("A rationale is required");
        await PageChecks.CheckAsync(page, "purposes-refused");

        await page.GetByLabel("Rationale for approving research").FillAsync("Ethics committee approval, outcome study");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve research" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The purpose research is approved.");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoke research" })).ToBeVisibleAsync();
        Assert.Contains(await Server.AuditRecordsAsync(), r => r.Action == "purpose.approve" && r.ActorRole == Roles.PrivacyOfficer && r.Outcome == AuditedOperation.Success);
    }

    [Fact]
    public async Task Administrator_MakesAKioskKey_SeesItOnce_AndItPairsAKiosk()
    {
        var page = await SignedInAsAsync(Roles.Administrator);
        await page.GetByRole(AriaRole.Link, new() { Name = "Create and revoke device and integration keys" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Device and integration keys");
        await PageChecks.CheckAsync(page, "api-keys");

        await page.GetByLabel("Device name").FillAsync("lobby kiosk");
        await page.GetByLabel("Role").SelectOptionAsync(Roles.Kiosk);
        await page.GetByLabel("check-in", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Make the key" }).ClickAsync();
        var token = await page.Locator("#new-key").InnerTextAsync();
        var (key, _) = await Server.Services.GetRequiredService<ApiKeys>().ResolveAsync(token);
        Assert.NotNull(key);
        Assert.Equal([Roles.Kiosk], key.Roles);
        await PageChecks.CheckAsync(page, "api-keys-made");

        // Shown once: the list the page shows afterwards holds the key's name, never its token.
        await page.GotoAsync(new Uri(Server.Address, "/api-keys").ToString());
        await Assertions.Expect(page.Locator("#api-keys")).ToContainTextAsync("lobby kiosk");
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke “lobby kiosk”" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is revoked");
        Assert.Null((await Server.Services.GetRequiredService<ApiKeys>().ResolveAsync(token)).Key);
    }

    [Fact]
    public async Task SecurityOfficer_SeesEveryAccountInTheAccessReview()
    {
        var (other, _) = await StaffInBrowser.NewAccountAsync(Server, Roles.Clinician);
        var page = await SignedInAsAsync(Roles.SecurityOfficer);
        await page.GetByRole(AriaRole.Link, new() { Name = "Review who holds which access" }).ClickAsync();

        await Assertions.Expect(page.Locator("#staff-accounts")).ToContainTextAsync(other);
        await Assertions.Expect(page.Locator("#staff-accounts")).ToContainTextAsync("Clinician");
        await PageChecks.CheckAsync(page, "access-review");
        Assert.Contains(await Server.AuditRecordsAsync(), r => r.Action == "access-review.read" && r.ActorRole == Roles.SecurityOfficer && r.Outcome == AuditedOperation.Success);
    }

    [Fact]
    public async Task PrivacyOfficer_ReadsTheDriftReport_InPlainWords()
    {
        var page = await SignedInAsAsync(Roles.PrivacyOfficer);
        await page.GotoAsync(new Uri(Server.Address, "/drift").ToString());

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("No recognition scores have been recorded yet");
        await PageChecks.CheckAsync(page, "drift");
        Assert.Contains(await Server.AuditRecordsAsync(), r => r.Action == Visage.Workflows.Drift.DriftMonitor.ReportAction && r.ActorRole == Roles.PrivacyOfficer);
    }

    private async Task<IPage> SignedInAsAsync(string role)
    {
        var (userId, secret) = await StaffInBrowser.NewAccountAsync(Server, role);
        var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await StaffInBrowser.SignInAsync(page, Server, userId, Server.TotpNow(secret));
        return page;
    }
}
