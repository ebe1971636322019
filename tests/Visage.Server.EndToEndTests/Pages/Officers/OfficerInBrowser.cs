using Microsoft.Playwright;
using Visage.Server.Tests;

namespace Visage.Server.EndToEndTests.Pages.Officers;

/// <summary>What an officer does on the console pages, as a person would, for these tests and the whole story's.</summary>
internal static class OfficerInBrowser
{
    /// <summary>Opens the audit page, searches by <paramref name="filter"/> (actor, action, subject or none) and gives the actions found, in order.</summary>
    public static async Task<IReadOnlyList<string>> SearchAuditAsync(IPage page, ServerHarness server, string filter, string value)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(server);
        await page.GotoAsync(new Uri(server.Address, "/audit").ToString());
        await page.GetByLabel("Search by").SelectOptionAsync(filter);
        await page.GetByLabel("Looking for").FillAsync(value);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#results-heading")).ToBeVisibleAsync();
        return await page.Locator("#audit-records td.audit-action").AllInnerTextsAsync();
    }

    /// <summary>Opens the audit page, verifies the chain and gives the result as the page words it.</summary>
    public static async Task<string> VerifyChainAsync(IPage page, ServerHarness server)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(server);
        await page.GotoAsync(new Uri(server.Address, "/audit").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain" }).ClickAsync();
        return await page.Locator("#verification").InnerTextAsync();
    }
}
