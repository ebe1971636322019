using Microsoft.Playwright;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.EndToEndTests.Browser;
using Visage.Server.EndToEndTests.Pages.Kiosk;
using Visage.Server.Tests.Oversight;
using Visage.Workflows.Emergency;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Server.EndToEndTests.Pages.Emergency;

/// <summary>
/// Emergency identification in Chromium: a clinician uploads a photo (img4, another photo of patient A); without a
/// break-glass reason nothing is searched and the page says so; with one, the candidates are listed as an open review
/// item that no one has confirmed.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class EmergencyPageTests(Chromium chromium, OversightServer oversight) : IClassFixture<OversightServer>
{
    [Fact]
    public async Task WithoutAReason_IsRefusedInPlainWords_WithOne_ListsCandidatesForTheClinicianToConfirm()
    {
        var (userId, secret) = await StaffInBrowser.NewAccountAsync(oversight.Server, Roles.Clinician);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await StaffInBrowser.SignInAsync(page, oversight.Server, userId, oversight.Server.TotpNow(secret));
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(oversight.Server.Address, "/").ToString());
        await page.GotoAsync(new Uri(oversight.Server.Address, "/emergency").ToString());
        await PageChecks.CheckAsync(page, "emergency");
        var photo = Path.Combine(KioskSite.Faces, "img4.jpg");

        await page.GetByLabel("Photo of the patient's face").SetInputFilesAsync(photo);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search for candidates" }).ClickAsync();
        await Assertions.Expect(page.Locator("#emergency-error")).ToContainTextAsync("break-glass reason");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No search was made" })).ToBeVisibleAsync();
        await PageChecks.CheckAsync(page, "emergency-refused");
        Assert.Contains(await oversight.RecordsOfAsync(userId), r => r is { Action: EmergencyIdentification.Action, Outcome: AuditedOperation.Refused, Reason: RefusalCodes.BadInput });

        await page.GetByLabel("Why you are breaking the glass").SelectOptionAsync(BreakGlassReason.Unresponsive.ToCode());
        await page.GetByLabel("Photo of the patient's face").SetInputFilesAsync(photo);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search for candidates" }).ClickAsync();
        var rows = page.Locator("#emergency-candidates tbody tr");
        await Assertions.Expect(rows.First).ToContainTextAsync(oversight.PatientA.ToString());
        await Assertions.Expect(page.GetByText("None is accepted until you confirm one")).ToBeVisibleAsync();
        await PageChecks.CheckAsync(page, "emergency-candidates");
        var item = Assert.Single(await oversight.Get<ReviewWorklist>().ListAsync(), i => i.Kind == ReviewKind.Emergency);
        Assert.Equal(ReviewStatus.Open, item.Status);
        Assert.Contains(await oversight.RecordsOfAsync(userId), r => r is { Action: EmergencyIdentification.Action, Outcome: AuditedOperation.Success });

        await page.GetByRole(AriaRole.Button, new() { Name = "Compare and confirm one of them" }).ClickAsync();
        await page.WaitForFunctionAsync("() => { const img = document.getElementById('probe'); return img !== null && img.complete && img.naturalWidth > 0; }");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Confirm the proposed person" })).ToBeVisibleAsync();
    }
}
