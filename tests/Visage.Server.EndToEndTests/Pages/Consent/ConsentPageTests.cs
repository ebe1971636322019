using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using UglyToad.PdfPig;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.EndToEndTests.Browser;
using Visage.Server.EndToEndTests.Pages.Kiosk;
using Visage.Workflows.Consent;
using Visage.Workflows.Enrolment;
using Visage.Workflows.PurposeApprovals;

namespace Visage.Server.EndToEndTests.Pages.Consent;

/// <summary>
/// The front desk in Chromium: a clerk registers a patient, records consent to check-in on the current notice, downloads
/// the patient's PDF copy, is told why a photo without a face cannot be enrolled, enrols real photos, and withdraws the
/// consent, seeing the deletion certificate; every step audited, nothing about the patient in a URL.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class ConsentPageTests(Chromium chromium) : OwnServer
{
    private const string NoticeText = "Visage compares your face with the photos you agree to store, only for the purposes you tick.";

    [Fact]
    public async Task Clerk_RegistersConsentsCopiesEnrolsAndWithdraws_AllThroughThePages()
    {
        var notice = await ArrangeAsync();
        var (clerk, secret) = await StaffInBrowser.NewAccountAsync(Server, Roles.FrontDesk);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var mrn = "MRN" + Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var urls = new List<string>();
        page.Request += (_, request) => urls.Add(request.Url);
        await StaffInBrowser.SignInAsync(page, Server, clerk, Server.TotpNow(secret));

        await page.GotoAsync(new Uri(Server.Address, "/patients/new").ToString());
        await PageChecks.CheckAsync(page, "patient-new");
        await ClerkInBrowser.RegisterAsync(page, Server, mrn);

        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to consent" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Notice (version {notice.Version})" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(NoticeText)).ToBeVisibleAsync();
        // Only approved purposes are offered: check-in is, emergency identification is not.
        await Assertions.Expect(page.GetByLabel(ClerkInBrowser.CheckInPurpose)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Be identified by face in an emergency")).ToHaveCountAsync(0);
        await PageChecks.CheckAsync(page, "consent-notice");
        await page.GetByLabel(ClerkInBrowser.CheckInPurpose).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Record consent" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("must confirm they have read the notice");
        await page.GetByLabel(ClerkInBrowser.CheckInPurpose).CheckAsync();
        await page.GetByLabel("The patient has read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Record consent" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Consent recorded")).ToBeVisibleAsync();
        await PageChecks.CheckAsync(page, "consent-granted");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download the patient's copy (PDF)" }).ClickAsync());
        Assert.Equal("consent-copy.pdf", download.SuggestedFilename);
        var pdf = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.Equal("%PDF-"u8.ToArray(), pdf[..5]);
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Concat(string.Join(" ", document.GetPages().Select(p => p.Text)).Where(c => !char.IsWhiteSpace(c)));
            Assert.Contains($"Consentnoticeversion{notice.Version}", text, StringComparison.Ordinal);
            Assert.Contains("Checkinatthekioskbyface", text, StringComparison.Ordinal);
            Assert.Contains("Howtowithdraw", text, StringComparison.Ordinal);
            Assert.DoesNotContain(mrn, text, StringComparison.Ordinal);
            Assert.DoesNotContain("AdaExample", text, StringComparison.Ordinal);
        }

        // A photo with no face in it: the reason in plain words, and nothing saved.
        var noFace = Path.Combine(Root.FullName, "no-face.png");
        await page.Locator("header").ScreenshotAsync(new() { Path = noFace });
        await ClerkInBrowser.UploadForEnrolmentAsync(page, noFace);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No face was found");
        await PageChecks.CheckAsync(page, "enrol-refused");

        await ClerkInBrowser.UploadForEnrolmentAsync(page, Path.Combine(KioskSite.Faces, "img1.jpg"), Path.Combine(KioskSite.Faces, "img2.jpg"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Enrolled: 2 templates stored. The photos themselves are not kept.");
        await PageChecks.CheckAsync(page, "enrol-done");

        // Withdrawal from the same place, found by MRN (posted, never in a URL).
        await page.GotoAsync(new Uri(Server.Address, "/consent").ToString());
        await PageChecks.CheckAsync(page, "consent-find");
        await page.GetByLabel("Medical record number (MRN)").FillAsync(mrn);
        await page.GetByRole(AriaRole.Button, new() { Name = "Find patient" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Consent in force" })).ToBeVisibleAsync();
        await PageChecks.CheckAsync(page, "consent-in-force");
        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw consent and delete face data" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Deletion certificate" })).ToBeVisibleAsync();
        var certificate = Guid.Parse(await page.Locator("#certificate-id").InnerTextAsync());
        await PageChecks.CheckAsync(page, "consent-withdrawn");

        var records = await Server.AuditRecordsAsync();
        var patient = records.Single(r => r.Action == "subject.add" && r.Outcome == AuditedOperation.Success && r.Actor == clerk).Subject;
        Assert.Contains(records, r => r.Action == "consent.grant" && r.Outcome == AuditedOperation.Success && r.Subject == patient && r.ActorRole == Roles.FrontDesk);
        Assert.Contains(records, r => r.Action == "consent.read" && r.Outcome == AuditedOperation.Success && r.Subject == patient);
        Assert.Contains(records, r => r.Action == FaceEnrolment.Action && r.Outcome != AuditedOperation.Success && r.Subject == patient);
        Assert.Contains(records, r => r.Action == FaceEnrolment.Action && r.Outcome == AuditedOperation.Success && r.Subject == patient);
        Assert.Contains(records, r => r.Action == "consent.withdraw" && r.Outcome == AuditedOperation.Success && r.Subject == patient);
        Assert.NotEqual(Guid.Empty, certificate);
        Assert.DoesNotContain(urls, u => u.Contains(mrn, StringComparison.Ordinal) || u.Contains(patient!, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Clerk_EnrolsWithTheCamera_ThePhotoTakenGoesWithTheForm()
    {
        await ArrangeAsync();
        var (clerk, secret) = await StaffInBrowser.NewAccountAsync(Server, Roles.FrontDesk);
        await using var browser = await chromium.LaunchAsync(FakeCamera.Arguments(await FakeCamera.VideoOfAsync(Path.Combine(KioskSite.Faces, "img1.jpg"), Root.FullName)));
        await using var context = await Chromium.NewContextAsync(browser);
        var page = await context.NewPageAsync();
        await StaffInBrowser.SignInAsync(page, Server, clerk, Server.TotpNow(secret));
        await ClerkInBrowser.RegisterAsync(page, Server, "MRN" + Random.Shared.Next(100000, 999999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ClerkInBrowser.GrantConsentAsync(page, ClerkInBrowser.CheckInPurpose);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enrol the patient's face" }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Use the camera instead" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('preview').videoWidth > 0");
        await PageChecks.CheckAsync(page, "enrol-camera");
        await page.GetByRole(AriaRole.Button, new() { Name = "Take photo" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Photo taken.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and enrol" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Enrolled: 1 template stored. The photos themselves are not kept.");
    }

    /// <summary>What the privacy office does before the desk can ask anyone: check-in approved and a notice published.</summary>
    private async Task<ConsentNotice> ArrangeAsync()
    {
        var officer = new AuditActor("po-arrange", Roles.PrivacyOfficer);
        await Server.Services.GetRequiredService<PurposeRegistry>().ApproveAsync(officer, Purposes.CheckIn, "DPIA-2026-04 approved by the privacy committee");
        return await Server.Services.GetRequiredService<ConsentNotices>().AddAsync(officer, NoticeText, "en");
    }
}
