using Visage.Gallery;
using Visage.Storage.Tests;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Consent;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Workflows.Tests.CheckIn;

/// <summary>Check-in with real faces: the same person is accepted, another never is, withdrawal sends the next check-in to the desk. SQLite and PostgreSQL.</summary>
public abstract class PatientCheckInTests(FaceEngineFixture engine) : WorkflowTests(engine)
{
    [Fact]
    public async Task CheckIn_SamePersonAnotherPhoto_IsAccepted_1To1And1ToN()
    {
        await ApproveAsync(Purposes.CheckIn, Purposes.DuplicateDetection);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");
        var other = await EnrolledPatientAsync("img13.jpg");

        var claimed = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: patient);
        var listed = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img11.jpg"), candidates: [other, patient]);

        Assert.Equal((CheckInOutcome.Accepted, patient), (claimed.Outcome, claimed.SubjectId));
        Assert.Equal((CheckInOutcome.Accepted, patient), (listed.Outcome, listed.SubjectId));
        Assert.True(claimed.Score >= 0.45f);
        var success = (await RecordsAsync(PatientCheckIn.Action)).Where(r => r.Outcome == "success").ToList();
        Assert.Equal(2, success.Count);
        Assert.All(success, r => Assert.Equal(patient.ToString(), r.Subject));
        Assert.All(success, r => Assert.StartsWith("accepted; score", r.Reason, StringComparison.Ordinal));
        Assert.All(success, r => Assert.Equal(claimed.ModelVersion, r.ModelVersion));
        Assert.NotNull((await Get<Visage.Workflows.People.PersonRegistry>().GetAsync(patient))!.LastSeen);
    }

    [Fact]
    public async Task CheckIn_AnotherPerson_IsNeverAccepted_GoesToTheDesk()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");

        var listed = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img16.jpg"), candidates: [patient]);

        Assert.Equal(CheckInOutcome.SeeDesk, listed.Outcome);
        Assert.Null(listed.SubjectId);
        Assert.Equal("Please verify your ID at the desk.", listed.Message);
        Assert.Empty(await Get<ReviewWorklist>().ListAsync());
    }

    [Fact]
    public async Task CheckIn_ClaimingSomeoneElse_RaisesAnIdentityMismatchAlert_AndGoesToReview()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");
        var impostor = await EnrolledPatientAsync("img13.jpg");

        // The person of img14 (enrolled as the impostor) claims to be the patient.
        var result = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img14.jpg"), claimed: patient);

        Assert.Equal(CheckInOutcome.NeedsReview, result.Outcome);
        Assert.True(result.IdentityMismatch);
        var item = Assert.Single(await Get<ReviewWorklist>().ListAsync());
        Assert.Equal((ReviewKind.IdentityMismatch, patient, impostor), (item.Kind, item.ClaimedSubject, item.Candidates[0].SubjectId));
        var alert = Assert.Single(await RecordsAsync(PatientCheckIn.IdentityMismatchAlert));
        Assert.Equal(patient.ToString(), alert.Subject);
        Assert.Contains(impostor.ToString(), alert.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Withdrawal_RemovesTheSubjectFromTheGallery_AndTheNextCheckInGoesToTheDesk()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");
        Assert.Equal(CheckInOutcome.Accepted, (await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), candidates: [patient])).Outcome);

        var (consent, certificate) = await Get<ConsentRegistry>().WithdrawAsync(Clerk, patient, ConsentEnd.Withdrawn);

        Assert.NotNull(certificate);
        Assert.Equal(ConsentEnd.Withdrawn, consent.EndReason);
        Assert.Equal(0, Store.GalleryCount);
        Assert.Equal(0, await TemplateCountAsync());
        Assert.NotNull(await Get<Visage.Workflows.People.PersonRegistry>().GetAsync(patient));
        var next = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), candidates: [patient]);
        Assert.Equal(CheckInOutcome.SeeDesk, next.Outcome);
        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: patient));
        Assert.Equal(RefusalCodes.ConsentWithdrawn, refused.Code);
    }

    [Fact]
    public async Task CheckIn_ConsentWithoutCheckIn_IsRefused_AndAudited()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await ConsentedPatientAsync(Purposes.StepUp);

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: patient));

        Assert.Equal((RefusalCodes.ConsentDoesNotCover, RefusalKind.NotPermitted), (refused.Code, refused.Kind));
        var record = Assert.Single(await RecordsAsync(PatientCheckIn.Action));
        Assert.Equal(("refused", RefusalCodes.ConsentDoesNotCover, patient.ToString()), (record.Outcome, record.Reason, record.Subject));
    }

    [Fact]
    public async Task CheckIn_UnapprovedPurpose_IsRefused_NothingSearched()
    {
        var patient = await ConsentedPatientAsync();
        await Get<Visage.Workflows.PurposeApprovals.PurposeRegistry>().RevokeAsync(Officer, Purposes.CheckIn, "DPIA-2026-04 suspended pending review");

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: patient));

        Assert.Equal(RefusalCodes.PurposeNotApproved, refused.Code);
        Assert.Equal("refused", Assert.Single(await RecordsAsync(PatientCheckIn.Action)).Outcome);
    }

    [Fact]
    public async Task CheckIn_CandidateListNamingUnknownPeople_IsRefused()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await ConsentedPatientAsync();

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), candidates: [patient, Guid.NewGuid()]));

        Assert.Equal((RefusalCodes.UnknownCandidates, RefusalKind.NotFound), (refused.Code, refused.Kind));
    }

    [Fact]
    public async Task CheckIn_WithoutAClaimOrCandidates_IsRefused_UnlessSearchingEveryoneIsOn()
    {
        await ApproveAsync(Purposes.CheckIn);

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg")));

        Assert.Equal((RefusalCodes.NoCandidates, RefusalKind.BadInput), (refused.Code, refused.Kind));
    }

    [Fact]
    public async Task CheckIn_UnknownSubject_IsRefused()
    {
        await ApproveAsync(Purposes.CheckIn);

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: Guid.NewGuid()));

        Assert.Equal((RefusalCodes.UnknownSubject, RefusalKind.NotFound), (refused.Code, refused.Kind));
    }

    [Fact]
    public async Task CheckIn_ExpiredConsent_IsRefusedAsExpired()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await ConsentedPatientAsync(expires: Clock.Now.AddHours(1));
        Clock.Now = Clock.Now.AddHours(2);

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: patient));

        Assert.Equal(RefusalCodes.ConsentExpired, refused.Code);
    }

    [Fact]
    public async Task CheckIn_NoFaceOrSeveralFaces_IsRefused_WithItsReason()
    {
        await ApproveAsync(Purposes.CheckIn);
        IReadOnlyCollection<Guid> expected = [await ConsentedPatientAsync()];
        var noFace = new FaceCapture(File.ReadAllBytes(Path.Combine(Face.SharedDataLocator.Find(), "faces", "singles", "no_face_IceBlockNearJoekullsarlon.jpg")));

        var none = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, noFace, candidates: expected));
        var several = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("couple.jpg"), candidates: expected));
        var notAnImage = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, new FaceCapture("not an image"u8.ToArray()), candidates: expected));

        Assert.Equal([RefusalCodes.NoFace, RefusalCodes.SeveralFaces, RefusalCodes.ImageRefused], new[] { none.Code, several.Code, notAnImage.Code });
        Assert.Equal([RefusalCodes.NoFace, RefusalCodes.SeveralFaces, RefusalCodes.ImageRefused], (await RecordsAsync(PatientCheckIn.Action)).Select(r => r.Reason));
    }
}

public sealed class SqlitePatientCheckInTests(FaceEngineFixture engine) : PatientCheckInTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override Task<Storage.StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new Storage.StorageOptions { DataDirectory = Data });
}

public sealed class PostgresPatientCheckInTests(PostgresCluster cluster, FaceEngineFixture engine) : PatientCheckInTests(engine), IClassFixture<PostgresCluster>, IClassFixture<FaceEngineFixture>
{
    protected override async Task<Storage.StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
