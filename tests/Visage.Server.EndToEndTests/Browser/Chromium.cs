using Microsoft.Playwright;

namespace Visage.Server.EndToEndTests.Browser;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by scripts/test) driven headless by Playwright, one instance
/// shared by a test collection. Playwright's own browser builds are never downloaded or used.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>The flags that let Chromium run headless as root in a container, and keep it off the network.</summary>
    public static readonly IReadOnlyList<string> BaseArguments = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"];

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // How long a check waits for the page to get there: a face check on two busy cores can take seconds. A wait, not
        // a speed requirement (speed belongs in bench/).
        Assertions.SetDefaultExpectTimeout(30_000);
        playwright = await Playwright.CreateAsync();
        Browser = await LaunchAsync(playwright, BaseArguments);
    }

    /// <summary>Another browser on the same driver, with extra flags (a fake camera fed from a file).</summary>
    public Task<IBrowser> LaunchAsync(IEnumerable<string> extraArguments) => LaunchAsync(playwright!, BaseArguments.Concat(extraArguments));

    /// <summary>A fresh profile (no cookies) that accepts the server's self-signed certificate.</summary>
    public Task<IBrowserContext> NewContextAsync() => NewContextAsync(Browser);

    public static Task<IBrowserContext> NewContextAsync(IBrowser browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        return browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new ViewportSize { Width = 1920, Height = 1080 } });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright driver, IEnumerable<string> arguments) =>
        driver.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true, Args = arguments.ToArray() });
}

[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<Chromium>
{
    public const string Name = "chromium";
}
