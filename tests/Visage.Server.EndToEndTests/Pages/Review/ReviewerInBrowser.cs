using Microsoft.Playwright;
using Visage.Server.Access;
using Visage.Server.Tests;

namespace Visage.Server.EndToEndTests.Pages.Review;

/// <summary>A reviewer at the review queue in a browser: signing in, and resolving the oldest open item as a person would.</summary>
internal static class ReviewerInBrowser
{
    /// <summary>A new reviewer account signed in on <paramref name="page"/>; its user id (the audit log's actor).</summary>
    public static async Task<string> SignInAsync(IPage page, ServerHarness server)
    {
        var (userId, secret) = await StaffInBrowser.NewAccountAsync(server, Roles.Reviewer);
        await StaffInBrowser.SignInAsync(page, server, userId, server.TotpNow(secret));
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(server.Address, "/").ToString());
        return userId;
    }

    /// <summary>Opens the queue, opens its oldest item and confirms the proposed person; the outcome as the page says it.</summary>
    public static async Task<string> ResolveFirstAsync(IPage page, ServerHarness server)
    {
        await OpenFirstAsync(page, server);
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm the proposed person" }).ClickAsync();
        var outcome = page.Locator("#review-outcome");
        await Assertions.Expect(outcome).ToBeVisibleAsync();
        return await outcome.InnerTextAsync();
    }

    /// <summary>Opens the queue and its oldest item, waiting for the probe picture to be drawn.</summary>
    public static async Task OpenFirstAsync(IPage page, ServerHarness server)
    {
        await page.GotoAsync(new Uri(server.Address, "/review").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Open item 1" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Review item");
        await page.WaitForFunctionAsync("() => { const img = document.getElementById('probe'); return img !== null && img.complete && img.naturalWidth > 0; }");
    }
}
