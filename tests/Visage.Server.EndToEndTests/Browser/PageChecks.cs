using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Visage.Server.EndToEndTests.Browser;

/// <summary>
/// What every page must pass, at the kiosk size (1024x768) and the desk size (1920x1080): axe-core finds no serious or
/// critical violation, nothing overflows sideways; and a screenshot of each size lands in <c>artifacts/ui/</c>.
/// </summary>
internal static class PageChecks
{
    public static readonly IReadOnlyList<(int Width, int Height)> Sizes = [(1024, 768), (1920, 1080)];

    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    /// <summary>Checks the page as it stands at both sizes and saves <c>{name}-{width}x{height}.png</c>; leaves it at the desk size.</summary>
    public static async Task CheckAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var failures = new List<string>();
        foreach (var (width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            var axe = await page.RunAxe();
            failures.AddRange(axe.Violations
                .Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{name} {width}x{height}: {v.Impact} {v.Id} ({v.Help}) at {string.Join("; ", v.Nodes.Select(n => n.Target?.ToString()))}"));
            if (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth"))
            {
                failures.Add($"{name} {width}x{height}: the page is wider than the window");
            }

            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}-{width}x{height}.png"), FullPage = true });
        }

        Assert.Empty(failures);
    }

    private static string FindScreenshotDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Visage.slnx")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts", "ui")).FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (Visage.slnx) was not found above the test's folder.");
    }
}
