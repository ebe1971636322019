using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Visage.Server.EndToEndTests.Browser;
using Visage.Server.Identity;
using Visage.Server.Tests;

namespace Visage.Server.EndToEndTests.Pages;

/// <summary>
/// First run in the browser: the link the Server prints opens the set-up page, which takes the token from the fragment
/// without ever sending it in a URL; the administrator sets a password, gets the TOTP secret (QR code and text) and the
/// recovery codes once, and a first code from that secret signs them in.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class SetupPageTests(Chromium chromium) : OwnServer
{

    [Fact]
    public async Task FirstRunLink_SetsUpTheAdministrator_ShowsTheSecretOnce_AndAFirstCodeSignsIn()
    {
        var link = await Server.FirstRunSetupPathAsync();
        Assert.NotNull(link);
        var token = link[(link.IndexOf('#', StringComparison.Ordinal) + 1)..];
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var sentUrls = new List<string>();
        page.Request += (_, request) => sentUrls.Add(request.Url);

        await page.GotoAsync(new Uri(Server.Address, link).ToString());
        Assert.Equal(token, await page.GetByLabel("Setup token").InputValueAsync());
        Assert.DoesNotContain("#", page.Url, StringComparison.Ordinal);
        await PageChecks.CheckAsync(page, "setup");

        await page.GetByLabel("User id").FillAsync("admin.first");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(ServerHarness.StaffPassword);
        await page.GetByLabel("Password again").FillAsync(ServerHarness.StaffPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Add Visage to your authenticator app");
        Assert.Equal(1, await page.Locator(".qr svg").CountAsync());
        var secret = (await page.Locator("#totp-secret").InnerTextAsync()).Replace(" ", string.Empty, StringComparison.Ordinal);
        Assert.Equal(10, await page.Locator("#recovery-codes li").CountAsync());
        await PageChecks.CheckAsync(page, "setup-secrets");

        // The secret shown is the account's: a code computed from it confirms MFA and signs in.
        await page.GetByLabel("Your password").FillAsync(ServerHarness.StaffPassword);
        await page.GetByLabel("The six-digit code your app shows now").FillAsync(Server.TotpNow(secret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm and sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("What you can do");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Administrator" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Create and disable staff accounts")).ToBeVisibleAsync();
        Assert.True((await Server.Services.GetRequiredService<StaffAccounts>().FindAsync("admin.first"))!.MfaConfirmed);
        await PageChecks.CheckAsync(page, "home-administrator");
        Assert.DoesNotContain(sentUrls, url => url.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SpentLink_IsRefusedInPlainWords_AndMakesNoAccount()
    {
        var link = await Server.FirstRunSetupPathAsync();
        var accounts = Server.Services.GetRequiredService<StaffAccounts>();
        await accounts.CompleteSetupAsync(link!, "admin.early", ServerHarness.StaffPassword);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(Server.Address, link).ToString());
        await page.GetByLabel("User id").FillAsync("admin.late");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(ServerHarness.StaffPassword);
        await page.GetByLabel("Password again").FillAsync(ServerHarness.StaffPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create my account" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This setup link is unknown, used or expired");
        Assert.Null(await accounts.FindAsync("admin.late"));
        await PageChecks.CheckAsync(page, "setup-refused");
    }
}
