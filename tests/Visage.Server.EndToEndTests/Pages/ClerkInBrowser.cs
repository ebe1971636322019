using Microsoft.Playwright;
using Visage.Server.Tests;

namespace Visage.Server.EndToEndTests.Pages;

/// <summary>The front desk's work through its pages, as a clerk does it: register a patient, record their consent, enrol their face.</summary>
internal static class ClerkInBrowser
{
    /// <summary>Registers a patient with <paramref name="mrn"/> and a made-up name; leaves the page on "Continue to consent".</summary>
    public static async Task RegisterAsync(IPage page, ServerHarness server, string mrn)
    {
        await page.GotoAsync(new Uri(server.Address, "/patients/new").ToString());
        await page.GetByLabel("Full name").FillAsync("Ada Example");
        await page.GetByLabel("Date of birth").FillAsync("1980-04-01");
        await page.GetByLabel("Medical record number (MRN)").FillAsync(mrn);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register patient" }).ClickAsync();
        await Assertions.Expect(page.GetByText("The patient is registered")).ToBeVisibleAsync();
    }

    /// <summary>From the registered patient: the notice, the purposes ticked (by their plain words), acknowledged and recorded.</summary>
    public static async Task GrantConsentAsync(IPage page, params string[] purposes)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to consent" }).ClickAsync();
        foreach (var purpose in purposes)
        {
            await page.GetByLabel(purpose).CheckAsync();
        }

        await page.GetByLabel("The patient has read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Record consent" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Consent recorded")).ToBeVisibleAsync();
    }

    /// <summary>From the consent's confirmation: enrol the face from <paramref name="photos"/>; leaves the page on the answer.</summary>
    public static async Task UploadForEnrolmentAsync(IPage page, params string[] photos)
    {
        if (await page.GetByRole(AriaRole.Button, new() { Name = "Enrol the patient's face" }).CountAsync() == 1)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Enrol the patient's face" }).ClickAsync();
        }

        await page.GetByLabel("Photos of the patient").SetInputFilesAsync(photos);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and enrol" }).ClickAsync();
    }

    /// <summary>The whole desk visit: registered, consented to check-in, enrolled from <paramref name="photos"/>.</summary>
    public static async Task RegisterConsentAndEnrolAsync(IPage page, ServerHarness server, string mrn, params string[] photos)
    {
        await RegisterAsync(page, server, mrn);
        await GrantConsentAsync(page, CheckInPurpose);
        await UploadForEnrolmentAsync(page, photos);
        await Assertions.Expect(page.GetByText("templates stored")).ToBeVisibleAsync();
    }

    /// <summary>How the consent page names the check-in purpose.</summary>
    public const string CheckInPurpose = "Check in at the kiosk by face";
}
