using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.EndToEndTests.Browser;
using Visage.Server.Identity;
using Visage.Server.Tests;

namespace Visage.Server.EndToEndTests.Pages;

/// <summary>
/// Staff sign-in, the role's home page, sign-out and automatic logoff in the browser, over the same accounts and
/// sessions as the API: the session lives only in an HttpOnly cookie, and an ended session sends the browser to
/// sign-in with a plain message.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class SignInPageTests(Chromium chromium) : OwnServer
{
    private readonly TestClock clock = new();

    internal override Task<ServerHarness> StartAsync() => ServerHarness.StartAsync(Path.Combine(Root.FullName, "data"), time: clock);

    [Fact]
    public async Task SignIn_WithPasswordAndCode_ShowsTheRolesHome_InAnHttpOnlyCookie_AndSignOutEndsIt()
    {
        var (userId, secret) = await StaffInBrowser.NewAccountAsync(Server, Roles.FrontDesk, Roles.Reviewer);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Server.Address, "/signin").ToString());
        await PageChecks.CheckAsync(page, "signin");

        await StaffInBrowser.SignInAsync(page, Server, userId, Server.TotpNow(secret));

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("What you can do");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Front desk" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reviewer" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Check a patient in by face")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Create and disable staff accounts")).ToHaveCountAsync(0);
        var session = (await context.CookiesAsync()).Single(c => c.Name == CredentialResolver.SessionCookie);
        Assert.True(session.HttpOnly);
        Assert.True(session.Secure);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.DoesNotContain(CredentialResolver.SessionCookie, await page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);
        await PageChecks.CheckAsync(page, "home-front-desk-reviewer");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You have signed out.");
        // The session is over on the Server too: the old cookie, sent again, opens nothing.
        await context.AddCookiesAsync([new Cookie { Name = session.Name, Value = session.Value, Domain = session.Domain, Path = "/", Secure = true, HttpOnly = true, SameSite = SameSiteAttribute.Strict }]);
        await page.GotoAsync(new Uri(Server.Address, "/").ToString());
        Assert.EndsWith("/signin?reason=" + IdentityCodes.SessionExpired, page.Url, StringComparison.Ordinal);
        Assert.Contains(await Server.AuditRecordsAsync(), r => r.Action == "staff.sign-out" && r.Actor == userId && r.Outcome == AuditedOperation.Success);
    }

    [Fact]
    public async Task SignIn_WithAWrongCode_SaysSoPlainly_AndHoldsNoSession()
    {
        var (userId, _) = await StaffInBrowser.NewAccountAsync(Server, Roles.Clinician);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await StaffInBrowser.SignInAsync(page, Server, userId, "000000");

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The user id, password or code is wrong.");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == CredentialResolver.SessionCookie);
        Assert.Equal(userId, await page.GetByLabel("User id").InputValueAsync());
        Assert.Equal(string.Empty, await page.GetByLabel("Password").InputValueAsync());
        await PageChecks.CheckAsync(page, "signin-refused");
    }

    [Fact]
    public async Task IdleSession_SendsTheOpenPageToSignIn_WithAPlainMessage()
    {
        var (userId, secret) = await StaffInBrowser.NewAccountAsync(Server, Roles.PrivacyOfficer);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.Clock.InstallAsync();
        await StaffInBrowser.SignInAsync(page, Server, userId, Server.TotpNow(secret));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Privacy officer" })).ToBeVisibleAsync();

        // Sixteen minutes pass with the page left open, on the Server's clock and the page's.
        clock.Advance(TimeSpan.FromMinutes(16));
        await page.Clock.RunForAsync((long)TimeSpan.FromMinutes(16).TotalMilliseconds);

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/signin\\?reason=" + IdentityCodes.SessionExpired + "$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your session has ended");
        await Assertions.Expect(page.GetByText("Privacy officer")).ToHaveCountAsync(0);
        await PageChecks.CheckAsync(page, "signin-session-ended");
    }
}
