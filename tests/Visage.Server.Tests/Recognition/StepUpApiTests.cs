using System.Net;
using System.Net.Http.Json;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Recognition;
using Visage.Workflows.ActiveLiveness;
using Visage.Workflows.Recognition;
using Visage.Workflows.StepUp;
using static Visage.Server.Tests.Recognition.RecognitionServer;

namespace Visage.Server.Tests.Recognition;

/// <summary>Step-up verification, its lock, right-patient confirmation and the liveness challenge over HTTPS with real faces.</summary>
[Collection(RecognitionServerCollection.Name)]
public sealed class StepUpApiTests(RecognitionServer fixture)
{
    [Fact]
    public async Task Verify_SamePerson_IsVerified_AnotherPerson_IsNot_AndTheFailureIsCounted()
    {
        var patient = await fixture.EnrolledPatientAsync("img1.jpg", "img2.jpg");
        using var clinician = await fixture.Server.StaffClientAsync(Roles.Clinician);

        using var same = await clinician.PostAsJsonAsync(Verification(patient), new VerificationRequest(Base64("img4.jpg"), new SecondFactor("badge", true)));
        using var form = Form([("image", Photo("img16.jpg"))], ("secondFactorKind", "pin"), ("secondFactorVerified", "true"));
        using var other = await clinician.PostAsync(Verification(patient), form);
        var verified = await ReadAsync<StepUpResult>(same, HttpStatusCode.OK);
        var notVerified = await ReadAsync<StepUpResult>(other, HttpStatusCode.OK);

        Assert.True(verified.Verified);
        Assert.True(verified.Score >= 0.5f);
        Assert.False(notVerified.Verified);
        var outcomes = (await fixture.AuditAsync(patient)).Where(r => r.Action == StepUpVerification.Action && r.Outcome != "started").Select(r => r.Outcome).ToList();
        Assert.Equal(["success", "failure"], outcomes);
        Assert.Equal(1, await fixture.Get<StepUpVerification>().FailuresAsync(patient));
    }

    [Fact]
    public async Task Verify_WithoutACheckedSecondFactor_Is403SecondFactorMissing()
    {
        var patient = await fixture.EnrolledPatientAsync("img1.jpg");
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var none = await desk.PostAsJsonAsync(Verification(patient), new VerificationRequest(Base64("img4.jpg"), null));
        using var unverified = await desk.PostAsJsonAsync(Verification(patient), new VerificationRequest(Base64("img4.jpg"), new SecondFactor("totp", false)));

        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Equal(RefusalCodes.SecondFactorMissing, await ReasonAsync(none));
        Assert.Equal(HttpStatusCode.Forbidden, unverified.StatusCode);
        Assert.Equal(RefusalCodes.SecondFactorMissing, await ReasonAsync(unverified));
    }

    [Fact]
    public async Task FiveFailures_LockVerification_WhichASecurityOfficerSeesAndClears()
    {
        var patient = await fixture.EnrolledPatientAsync("img1.jpg");
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);
        using var security = await fixture.Server.StaffClientAsync(Roles.SecurityOfficer);
        var impostor = new VerificationRequest(Base64("img17.jpg"), new SecondFactor("badge", true));
        for (var i = 0; i < 5; i++)
        {
            using var failed = await desk.PostAsJsonAsync(Verification(patient), impostor);
            Assert.False((await ReadAsync<StepUpResult>(failed, HttpStatusCode.OK)).Verified);
        }

        using var locked = await desk.PostAsJsonAsync(Verification(patient), new VerificationRequest(Base64("img4.jpg"), new SecondFactor("badge", true)));
        using var deskReadsLock = await desk.GetAsync(Lock(patient));
        var state = await security.GetFromJsonAsync<VerificationLock>(Lock(patient), Json);
        using var unlock = await security.PostAsync(Unlock(patient), null);
        var cleared = await security.GetFromJsonAsync<VerificationLock>(Lock(patient), Json);
        using var again = await security.PostAsync(Unlock(patient), null);
        using var unknown = await security.GetAsync(Lock(Guid.NewGuid()));

        Assert.Equal(HttpStatusCode.Forbidden, locked.StatusCode);
        Assert.Equal(RefusalCodes.LockedOut, await ReasonAsync(locked));
        Assert.Equal(HttpStatusCode.Forbidden, deskReadsLock.StatusCode);
        Assert.True(state!.Locked);
        Assert.Equal(5, state.Failures);
        Assert.True(state.LockedUntil > DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.NoContent, unlock.StatusCode);
        Assert.Equal(new VerificationLock(false, null, 0), cleared);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(RefusalCodes.NotLocked, await ReasonAsync(again));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(RefusalCodes.UnknownSubject, await ReasonAsync(unknown));
        var records = await fixture.AuditAsync(patient);
        Assert.Contains(records, r => (r.Action, r.Outcome, r.ActorRole) == ("verify.unlock", "success", Roles.SecurityOfficer));
        Assert.Contains(records, r => (r.Action, r.Outcome, r.Reason) == (RecognitionApi.LockReadAction, "success", "locked; 5 failures"));
    }

    [Fact]
    public async Task Verify_UnknownSubject_Is404UnknownSubject()
    {
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var response = await desk.PostAsJsonAsync(Verification(Guid.NewGuid()), new VerificationRequest(Base64("img4.jpg"), new SecondFactor("badge", true)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(RefusalCodes.UnknownSubject, await ReasonAsync(response));
    }

    [Fact]
    public async Task RightPatient_TheOrderIdTravelsInTheBody_AndOnlyItsDigestIsRecorded()
    {
        const string order = "ORD-2026-0042";
        var patient = await fixture.EnrolledPatientAsync("img13.jpg");
        using var clinician = await fixture.Server.StaffClientAsync(Roles.Clinician);
        using var desk = await fixture.Server.StaffClientAsync(Roles.FrontDesk);

        using var json = await clinician.PostAsJsonAsync(RightPatient(patient), new RightPatientRequest(Base64("img14.jpg"), order));
        using var form = Form([("image", Photo("img1.jpg"))], ("orderId", order));
        using var multipart = await clinician.PostAsync(RightPatient(patient), form);
        using var noOrder = await clinician.PostAsJsonAsync(RightPatient(patient), new RightPatientRequest(Base64("img14.jpg"), null));
        using var byDesk = await desk.PostAsJsonAsync(RightPatient(patient), new RightPatientRequest(Base64("img14.jpg"), order));

        Assert.Equal(RightPatientOutcome.Confirmed, (await ReadAsync<RightPatientResult>(json, HttpStatusCode.OK)).Outcome);
        Assert.Equal(RightPatientOutcome.NotConfirmed, (await ReadAsync<RightPatientResult>(multipart, HttpStatusCode.OK)).Outcome);
        Assert.Equal(HttpStatusCode.BadRequest, noOrder.StatusCode);
        Assert.Equal(RefusalCodes.BadInput, await ReasonAsync(noOrder));
        Assert.Equal(HttpStatusCode.Forbidden, byDesk.StatusCode);
        var records = (await fixture.AuditAsync(patient)).Where(r => r.Action == StepUpVerification.RightPatientAction).ToList();
        Assert.Contains(records, r => r.Outcome == "success" && r.Reason!.Contains("confirmed", StringComparison.Ordinal));
        Assert.All(records, r => Assert.DoesNotContain(order, r.Reason ?? string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALivenessChallenge_AnsweredWithAStillPhoto_IsRefused_AndItsNonceIsSpent()
    {
        var patient = await fixture.EnrolledPatientAsync("img1.jpg", "img2.jpg");
        using var kiosk = await fixture.Server.KeyClientAsync(Purposes.CheckIn, Roles.Kiosk);
        using var issued = await kiosk.PostAsync(new Uri("/api/v1/liveness/challenges", UriKind.Relative), null);
        var challenge = await ReadAsync<LivenessChallenge>(issued, HttpStatusCode.Created);
        var still = Base64("img11.jpg");

        using var json = await kiosk.PostAsJsonAsync(CheckIns, new CheckInRequest(still, challenge.Nonce, [still, still, still], Candidates: [patient]));
        var frame = Photo("img11.jpg");
        using var form = Form([("image", frame), ("livenessFrames", frame), ("livenessFrames", frame), ("livenessFrames", frame)], ("livenessNonce", challenge.Nonce), ("candidates", patient.ToString()));
        using var replay = await kiosk.PostAsync(CheckIns, form);
        using var notAFrame = await kiosk.PostAsJsonAsync(CheckIns, new CheckInRequest(Base64("img4.jpg"), challenge.Nonce, [still, still, still], Candidates: [patient]));

        Assert.StartsWith("Turn your head slowly to your ", challenge.Prompt, StringComparison.Ordinal);
        Assert.True(challenge.ExpiresUtc > DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal(RefusalCodes.LivenessPrefix + LivenessRefusals.NotFollowed, await ReasonAsync(json));
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal(RefusalCodes.LivenessPrefix + LivenessRefusals.UnknownNonce, await ReasonAsync(replay));
        Assert.Equal(RefusalCodes.LivenessPrefix + "probe-not-a-frame", await ReasonAsync(notAFrame));
    }

    private static readonly Uri CheckIns = new("/api/v1/check-ins", UriKind.Relative);

    private static Uri Verification(Guid subject) => new($"/api/v1/subjects/{subject}/verification", UriKind.Relative);

    private static Uri Lock(Guid subject) => new($"/api/v1/subjects/{subject}/verification/lock", UriKind.Relative);

    private static Uri Unlock(Guid subject) => new($"/api/v1/subjects/{subject}/verification/unlock", UriKind.Relative);

    private static Uri RightPatient(Guid subject) => new($"/api/v1/subjects/{subject}/right-patient", UriKind.Relative);

    private static string Base64(string photo) => Convert.ToBase64String(Photo(photo));
}
