using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Identity;
using Visage.Server.Tests;

namespace Visage.Server.EndToEndTests.Pages;

/// <summary>Staff accounts made through the real set-up link service, and signing them in through the sign-in page.</summary>
internal static class StaffInBrowser
{
    /// <summary>A new account holding <paramref name="roles"/>: its user id and TOTP seed.</summary>
    public static async Task<(string UserId, string TotpSecret)> NewAccountAsync(ServerHarness server, params string[] roles)
    {
        var userId = "staff-" + Guid.NewGuid().ToString("N")[..10];
        var accounts = server.Services.GetRequiredService<StaffAccounts>();
        var token = await accounts.IssueSetupLinkAsync(new AuditActor("test-admin", Roles.Administrator), userId, roles);
        var setup = await accounts.CompleteSetupAsync(token, userId, ServerHarness.StaffPassword);
        return (userId, setup.TotpSecret);
    }

    /// <summary>Fills in and sends the sign-in page as a person would.</summary>
    public static async Task SignInAsync(IPage page, ServerHarness server, string userId, string code)
    {
        await page.GotoAsync(new Uri(server.Address, "/signin").ToString());
        await page.GetByLabel("User id").FillAsync(userId);
        await page.GetByLabel("Password").FillAsync(ServerHarness.StaffPassword);
        await page.GetByLabel("Code from your authenticator app").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
