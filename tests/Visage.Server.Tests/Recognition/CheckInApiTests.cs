using System.Net;
using System.Net.Http.Json;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Identity;
using Visage.Server.Recognition;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Emergency;
using Visage.Workflows.Recognition;
using Visage.Workflows.StepUp;
using static Visage.Server.Tests.Recognition.RecognitionServer;

namespace Visage.Server.Tests.Recognition;

/// <summary>Check-in and emergency identification over HTTPS with real faces, from staff sessions and device API keys.</summary>
[Collection(RecognitionServerCollection.Name)]
public sealed class CheckInApiTests(RecognitionServer fixture)
{
    [Fact]
    public async Task CheckIn_SamePerson_IsAccepted_AnotherPerson_SeesTheDesk()
    {
        var patient = await fixture.EnrolledPatientAsync("img1.jpg", "img2.jpg");
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var same = await desk.PostAsJsonAsync(CheckIns, new CheckInRequest(Base64("img4.jpg"), Candidates: [patient]));
        using var form = Form([("image", Photo("img16.jpg"))], ("candidates", patient.ToString()));
        using var other = await desk.PostAsync(CheckIns, form);
        var accepted = await ReadAsync<CheckInResponse>(same, HttpStatusCode.OK);
        var seeDesk = await ReadAsync<CheckInResponse>(other, HttpStatusCode.OK);

        Assert.Equal((CheckInOutcome.Accepted, patient), (accepted.Outcome, accepted.SubjectId));
        Assert.Equal("You're checked in.", accepted.Message);
        Assert.Equal(CheckInOutcome.SeeDesk, seeDesk.Outcome);
        Assert.Null(seeDesk.SubjectId);
        Assert.Equal("Please verify your ID at the desk.", seeDesk.Message);
    }

    [Fact]
    public async Task CheckIn_WithNeitherClaimNorCandidates_IsTheServicesRefusal()
    {
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var response = await desk.PostAsJsonAsync(CheckIns, new CheckInRequest(Base64("img4.jpg")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(RefusalCodes.NoCandidates, await ReasonAsync(response));
    }

    [Fact]
    public async Task CheckIn_ACandidateThatIsNotAnId_Is400BadInput_AuditedUnderCheckIn()
    {
        var patient = await fixture.EnrolledPatientAsync("img13.jpg");
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var form = Form([("image", Photo("img14.jpg"))], ("candidates", patient.ToString()), ("candidates", "MRN-0048213"));
        using var response = await desk.PostAsync(CheckIns, form);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(RefusalCodes.BadInput, await ReasonAsync(response));
        Assert.DoesNotContain("MRN-0048213", body, StringComparison.Ordinal);
        var caller = await CallerIdAsync(desk);
        var refused = Assert.Single(await fixture.AuditAsync(caller, PatientCheckIn.Action));
        Assert.Equal(("refused", RefusalCodes.BadInput, "check-in"), (refused.Outcome, refused.Reason, refused.Purpose));
    }

    [Fact]
    public async Task AKioskKey_ScopedToCheckIn_ChecksIn_ButCannotVerify_AndAnIntegratorKeyScopedToCheckIn_IsOutOfScopeThere()
    {
        var patient = await fixture.EnrolledPatientAsync("img1.jpg", "img2.jpg");
        using var kiosk = await fixture.Server.KeyClientAsync(Purposes.CheckIn, Roles.Kiosk);
        using var integrator = await fixture.Server.KeyClientAsync(Purposes.CheckIn, Roles.Integrator);
        var verification = new VerificationRequest(Base64("img4.jpg"), new SecondFactor("badge", true));

        using var form = Form([("image", Photo("img11.jpg"))], ("candidates", patient.ToString()));
        using var checkIn = await kiosk.PostAsync(CheckIns, form);
        using var kioskVerifies = await kiosk.PostAsJsonAsync(Verification(patient), verification);
        using var integratorChecksIn = await integrator.PostAsJsonAsync(CheckIns, new CheckInRequest(Base64("img4.jpg"), Candidates: [patient]));
        using var integratorVerifies = await integrator.PostAsJsonAsync(Verification(patient), verification);

        Assert.Equal(CheckInOutcome.Accepted, (await ReadAsync<CheckInResponse>(checkIn, HttpStatusCode.OK)).Outcome);
        Assert.Equal(HttpStatusCode.Forbidden, kioskVerifies.StatusCode);
        Assert.Equal(IdentityCodes.ForbiddenRole, await ReasonAsync(kioskVerifies));
        Assert.Equal(CheckInOutcome.Accepted, (await ReadAsync<CheckInResponse>(integratorChecksIn, HttpStatusCode.OK)).Outcome);
        Assert.Equal(HttpStatusCode.Forbidden, integratorVerifies.StatusCode);
        Assert.Equal(IdentityCodes.PurposeOutOfScope, await ReasonAsync(integratorVerifies));
        // The kiosk's check-in is recorded as the key acting as a kiosk.
        var accepted = (await fixture.AuditAsync(patient)).Where(r => r.Action == PatientCheckIn.Action && r.Outcome == "success").ToList();
        Assert.Contains(accepted, r => r.ActorRole == Roles.Kiosk && r.Actor.StartsWith("apikey-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Emergency_AClinicianGetsCandidates_HeldForReview_ButFrontDeskCannotBreakTheGlass()
    {
        var patient = await fixture.EnrolledPatientAsync("img16.jpg");
        using var clinician = await fixture.Server.StaffClientAsync(Roles.Clinician);
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var json = await clinician.PostAsJsonAsync(Identifications, new EmergencyIdentificationRequest(Base64("img17.jpg"), "unresponsive"));
        using var form = Form([("image", Photo("img17.jpg"))], ("reason", "altered-mental-status"));
        using var multipart = await clinician.PostAsync(Identifications, form);
        using var byDesk = await desk.PostAsJsonAsync(Identifications, new EmergencyIdentificationRequest(Base64("img17.jpg"), "unresponsive"));
        var found = await ReadAsync<EmergencyCandidates>(json, HttpStatusCode.OK);
        var foundByForm = await ReadAsync<EmergencyCandidates>(multipart, HttpStatusCode.OK);

        Assert.Contains(found.Candidates, c => c.SubjectId == patient);
        Assert.Contains(foundByForm.Candidates, c => c.SubjectId == patient);
        Assert.NotEqual(Guid.Empty, found.ReviewId);
        Assert.Equal(HttpStatusCode.Forbidden, byDesk.StatusCode);
        var caller = await CallerIdAsync(clinician);
        var uses = (await fixture.AuditAsync(caller, EmergencyIdentification.Action)).Where(r => r.Outcome == "success").ToList();
        Assert.Equal(2, uses.Count);
        Assert.Contains(uses, r => r.Reason!.StartsWith("unresponsive;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Emergency_WithAReasonNotInTheList_Is400BadInput_Audited()
    {
        using var clinician = await fixture.Server.StaffClientAsync(Roles.Clinician);

        using var response = await clinician.PostAsJsonAsync(Identifications, new EmergencyIdentificationRequest(Base64("img14.jpg"), "Maria fell down the stairs"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(RefusalCodes.BadInput, await ReasonAsync(response));
        Assert.DoesNotContain("Maria", body, StringComparison.Ordinal);
        var refused = Assert.Single(await fixture.AuditAsync(await CallerIdAsync(clinician), EmergencyIdentification.Action));
        Assert.Equal(("refused", RefusalCodes.BadInput), (refused.Outcome, refused.Reason));
    }

    private static readonly Uri CheckIns = new("/api/v1/check-ins", UriKind.Relative);

    private static readonly Uri Identifications = new("/api/v1/emergency/identifications", UriKind.Relative);

    private static Uri Verification(Guid subject) => new($"/api/v1/subjects/{subject}/verification", UriKind.Relative);

    private static string Base64(string photo) => Convert.ToBase64String(Photo(photo));

    private static async Task<string> CallerIdAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<CallerView>(new Uri("/api/v1/session", UriKind.Relative)))!.Id;
}
