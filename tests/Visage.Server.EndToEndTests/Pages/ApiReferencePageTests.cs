using Microsoft.Playwright;
using Visage.Server.EndToEndTests.Browser;
using Visage.Server.Tests;

namespace Visage.Server.EndToEndTests.Pages;

/// <summary>
/// The API reference (Scalar, served by Visage at /scalar) opens in a real browser under its content policy: it loads
/// the API document and shows the operations, with no script or style refused and nothing fetched from another origin.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class ApiReferencePageTests(Chromium chromium) : OwnServer
{

    [Fact]
    public async Task Scalar_ShowsTheOperations_WithNothingRefusedOrFetchedElsewhere()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var complaints = new List<string>();
        var elsewhere = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                complaints.Add(message.Text);
            }
        };
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(Server.Address.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                elsewhere.Add(request.Url);
            }
        };

        await page.GotoAsync(new Uri(Server.Address, "/scalar").ToString());

        // The document was read: its title, an operation, and every area in the sidebar (Recognition among them).
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Visage API" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "/health/live" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Recognition", new() { Exact = true }).First).ToBeVisibleAsync();
        Assert.Empty(complaints);
        Assert.Empty(elsewhere);
    }
}
