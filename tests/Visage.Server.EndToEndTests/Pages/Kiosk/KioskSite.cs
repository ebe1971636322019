using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Visage.Audit;
using Visage.Face;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Identity;
using Visage.Server.Tests;
using Visage.Workflows.Consent;
using Visage.Workflows.Enrolment;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;

namespace Visage.Server.EndToEndTests.Pages.Kiosk;

/// <summary>
/// A clinic with a kiosk, arranged through the real services: check-in approved, one patient consented and (unless
/// asked not to) enrolled from two photos (deepface img1 and img2; img4 is another photo of her, img13 someone else), and a kiosk key.
/// </summary>
internal static class KioskSite
{
    public static readonly string Faces = Path.Combine(SharedDataLocator.Find(), "faces", "deepface");

    /// <param name="enrol">False where every capture needs a liveness response (a still photo cannot enrol there either).</param>
    public static async Task<(ServerHarness Server, string KioskKey)> StartAsync(DirectoryInfo root, IReadOnlyDictionary<string, string?> settings, bool enrol = true)
    {
        var server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"), settings: settings);
        T Get<T>()
            where T : notnull => server.Services.GetRequiredService<T>();
        var officer = new AuditActor("po-arrange", Roles.PrivacyOfficer);
        var clerk = new AuditActor("clerk-arrange", Roles.FrontDesk);
        await Get<PurposeRegistry>().ApproveAsync(officer, Purposes.CheckIn, "DPIA-2026-04 approved by the privacy committee");
        var notice = await Get<ConsentNotices>().AddAsync(officer, "Visage compares your face with the photos you agree to store, only for the purposes you tick.", "en");
        var patient = await Get<PersonRegistry>().AddAsync(clerk, PersonKind.Patient, new PersonDetails());
        await Get<ConsentRegistry>().GrantAsync(clerk, patient.Id, new ConsentGrant(notice.Version, Purposes.CheckIn, ConsentMethod.KioskSignature, ConsentGiver.Patient));
        if (enrol)
        {
            await Get<FaceEnrolment>().EnrolAsync(clerk, patient.Id, [new FaceCapture(await File.ReadAllBytesAsync(Path.Combine(Faces, "img1.jpg"))), new FaceCapture(await File.ReadAllBytesAsync(Path.Combine(Faces, "img2.jpg")))]);
        }

        var (_, key) = await Get<ApiKeys>().CreateAsync(new AuditActor("admin-arrange", Roles.Administrator), "lobby kiosk", [Roles.Kiosk], Purposes.CheckIn, 30);
        return (server, key);
    }

    /// <summary>An administrator pairs this browser once; the key then lives only in its HttpOnly cookie.</summary>
    public static async Task PairAsync(IPage page, ServerHarness server, string kioskKey)
    {
        await page.GotoAsync(new Uri(server.Address, "/kiosk/pair").ToString());
        await page.GetByLabel("Kiosk key").FillAsync(kioskKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pair this kiosk" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(server.Address, "/kiosk").ToString());
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == CredentialResolver.KioskCookie);
        Assert.True(cookie.HttpOnly);
        Assert.DoesNotContain(kioskKey, await page.ContentAsync(), StringComparison.Ordinal);
    }
}
