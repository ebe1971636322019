using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.EndToEndTests.Browser;
using Visage.Server.Identity;
using Visage.Server.Pages.Kiosk;
using Visage.Server.Tests;
using Visage.Workflows.CheckIn;

namespace Visage.Server.EndToEndTests.Pages.Kiosk;

/// <summary>
/// The kiosk in Chromium with a fake camera fed by real faces: an administrator pairs it with a kiosk key once; an
/// enrolled patient's face (another photo of them) is checked in, another person's face is sent to the desk, a key that
/// is not a kiosk's pairs nothing, and a result clears itself for the next person.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class KioskPageTests(Chromium chromium) : OwnServer
{
    private static readonly string Faces = KioskSite.Faces;
    private string kioskKey = null!;

    internal override async Task<ServerHarness> StartAsync()
    {
        (var server, kioskKey) = await KioskSite.StartAsync(Root, new Dictionary<string, string?>
        {
            // The kiosk has no appointment list: it searches everyone consented to check-in, and this site accepts such a match.
            ["Recognition:CheckInSearchAll"] = "true",
            ["Recognition:CheckInSearchAllAccepts"] = "true",
        });
        return server;
    }

    [Fact]
    public async Task EnrolledPatient_IsCheckedIn_AndTheResultClearsItself()
    {
        await using var browser = await chromium.LaunchAsync(FakeCamera.Arguments(await FakeCamera.VideoOfAsync(Path.Combine(Faces, "img4.jpg"), Root.FullName)));
        await using var context = await Chromium.NewContextAsync(browser);
        var page = await context.NewPageAsync();
        await page.Clock.InstallAsync();

        await KioskSite.PairAsync(page, Server, kioskKey);
        await PageChecks.CheckAsync(page, "kiosk-start");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check in with my face" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Look at the camera" })).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('preview').videoWidth > 0");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check in at the desk instead" })).ToBeVisibleAsync();
        await PageChecks.CheckAsync(page, "kiosk-camera");
        await page.GetByRole(AriaRole.Button, new() { Name = "Take my picture" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 }).Filter(new() { Visible = true })).ToHaveTextAsync("You\u2019re checked in");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check in at the desk instead" })).ToBeVisibleAsync();
        await PageChecks.CheckAsync(page, "kiosk-checked-in");
        Assert.Contains(await Server.AuditRecordsAsync(), r => r.Action == PatientCheckIn.Action && r.Outcome == AuditedOperation.Success && r.ActorRole == Roles.Kiosk && r.Actor.StartsWith("apikey-", StringComparison.Ordinal));

        await page.Clock.RunForAsync((KioskModel.ClearAfterSeconds + 1) * 1000);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome. Check in here" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("You\u2019re checked in")).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('preview').srcObject === null"));
    }

    [Fact]
    public async Task AnotherPersonsFace_IsSentToTheDesk_AndTheDeskChoiceWorksFromTheStart()
    {
        await using var browser = await chromium.LaunchAsync(FakeCamera.Arguments(await FakeCamera.VideoOfAsync(Path.Combine(Faces, "img13.jpg"), Root.FullName)));
        await using var context = await Chromium.NewContextAsync(browser);
        var page = await context.NewPageAsync();
        await KioskSite.PairAsync(page, Server, kioskKey);

        // Keyboard only: from the top of the page, the skip link, the home link, then the start button.
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Check in with my face" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("() => document.getElementById('preview').videoWidth > 0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Take my picture" }).ClickAsync();

        var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1 }).Filter(new() { Visible = true });
        await Assertions.Expect(heading).ToHaveTextAsync("Please see the front desk");
        // Done before the page checks: the result clears itself after a few seconds, and axe at two sizes on a loaded
        // machine can take longer than that.
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        // The check-in ran and was audited as the kiosk's: no match, so the desk.
        var checkIn = Assert.Single(await Server.AuditRecordsAsync(), r => r.Action == PatientCheckIn.Action && r.Outcome == AuditedOperation.Success);
        Assert.StartsWith("see-desk", checkIn.Reason, StringComparison.Ordinal);
        Assert.Equal(Roles.Kiosk, checkIn.ActorRole);

        await page.GetByRole(AriaRole.Button, new() { Name = "Check in at the desk instead" }).ClickAsync();
        await Assertions.Expect(heading).ToHaveTextAsync("Please see the front desk");
        await PageChecks.CheckAsync(page, "kiosk-see-desk");
    }

    [Fact]
    public async Task Pairing_WithAKeyThatIsNotAKiosks_IsRefusedAndAudited_AndOpensNothing()
    {
        var (_, integration) = await Get<ApiKeys>().CreateAsync(new AuditActor("admin-arrange", Roles.Administrator), "billing system", [Roles.Integrator], Purposes.CheckIn, 30);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(Server.Address, "/kiosk/pair").ToString());
        await page.GetByLabel("Kiosk key").FillAsync(integration);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pair this kiosk" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This key is not a kiosk's key; make one with the kiosk role.");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == CredentialResolver.KioskCookie);
        Assert.Contains(await Server.AuditRecordsAsync(), r => r.Action == KioskPairingModel.Action && r.Outcome == AuditedOperation.Refused && r.Reason == IdentityCodes.ForbiddenRole);
        await PageChecks.CheckAsync(page, "kiosk-pair-refused");
        await page.GotoAsync(new Uri(Server.Address, "/kiosk").ToString());
        Assert.EndsWith("/signin?reason=" + IdentityCodes.Unauthenticated, page.Url, StringComparison.Ordinal);
    }

    private T Get<T>()
        where T : notnull => Server.Services.GetRequiredService<T>();
}
