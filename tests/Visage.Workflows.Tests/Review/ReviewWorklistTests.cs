using Visage.Audit;
using Visage.Gallery;
using Visage.Storage.Tests;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Consent;
using Visage.Workflows.Enrolment;
using Visage.Workflows.Emergency;
using Visage.Workflows.Recognition;
using Visage.Workflows.Retention;
using Visage.Workflows.Review;

namespace Visage.Workflows.Tests.Review;

/// <summary>
/// The review queue fed by a borderline check-in and an emergency identification, decided, appealed, reported on, and
/// its probe images shredded by retention. Check-in accepts only at 0.95 here, so a genuine pair lands in the review band.
/// SQLite and PostgreSQL.
/// </summary>
public abstract class ReviewWorklistTests(FaceEngineFixture engine) : WorkflowTests(engine)
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Recognition:CheckIn:Accept"] = "0.95",
        ["Recognition:CheckIn:Review"] = "0.30",
    };

    [Fact]
    public async Task ABorderlineCheckIn_IsQueuedWithItsProbe_AReviewerConfirms_AnAppealAndTheOverrideReportAreRecorded()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await EnrolledPatientAsync("img1.jpg");

        var result = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), candidates: [patient]);

        Assert.Equal(CheckInOutcome.NeedsReview, result.Outcome);
        var item = Assert.Single(await Get<ReviewWorklist>().ListAsync());
        Assert.Equal((result.ReviewId, ReviewKind.CheckIn, (Guid?)patient), ((Guid?)item.Id, item.Kind, item.Proposed));
        Assert.InRange(item.Candidates[0].Score, 0.30f, 0.95f);
        var (shown, probe) = await Get<ReviewWorklist>().ShowAsync(Reviewer, item.Id);
        Assert.Equal(Photo("img4.jpg"), probe);
        Assert.Equal(result.ModelVersion, shown.ModelVersion);

        await Get<ReviewWorklist>().DecideAsync(Reviewer, item.Id, ReviewDecision.Confirm);
        var again = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<ReviewWorklist>().DecideAsync(Reviewer, item.Id, ReviewDecision.Reject));
        await Get<ReviewWorklist>().AppealAsync(Clerk, item.Id, overturned: false);

        Assert.Equal(RefusalCodes.AlreadyDecided, again.Code);
        Assert.Equal(RefusalCodes.AlreadyAppealed, (await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<ReviewWorklist>().AppealAsync(Clerk, item.Id, overturned: true))).Code);
        var report = await Get<ReviewWorklist>().OverrideReportAsync();
        Assert.Equal(new OverrideRow(Reviewer.Id, 1, 0, 1), Assert.Single(report.ByReviewer));
        Assert.Equal(result.ModelVersion, Assert.Single(report.ByModelVersion).Key);
    }

    [Fact]
    public async Task EmergencyIdentification_OffersOnlyEmergencyConsentedCandidates_AsBreakGlass_ThenAClinicianChooses()
    {
        await ApproveAsync(Purposes.EmergencyIdentification);
        var consented = await EnrolledPatientAsync("img1.jpg", "img2.jpg");
        var checkInOnly = await ConsentedPatientAsync(Purposes.CheckIn);
        await Get<FaceEnrolment>().EnrolAsync(Clerk, checkInOnly, [Capture("img5.jpg")]);

        var found = await Get<EmergencyIdentification>().IdentifyAsync(Clerk, Capture("img11.jpg"), BreakGlassReason.Unresponsive);

        Assert.Equal(consented, Assert.Single(found.Candidates).SubjectId);
        var alert = Assert.Single(await AlertsAsync(AccessAlerts.BreakGlass));
        Assert.Contains("needs after-the-fact review", alert.Reason, StringComparison.Ordinal);
        var decided = await Get<ReviewWorklist>().DecideAsync(Clerk, found.ReviewId, ReviewDecision.Confirm);
        Assert.Equal((ReviewStatus.Confirmed, consented), (decided.Status, decided.ChosenSubject));
    }

    [Fact]
    public async Task Retention_ShredsProbesPastTheirTime_WithASignedRunCertificate()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await EnrolledPatientAsync("img1.jpg");
        var result = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), candidates: [patient]);

        var early = await Get<RetentionRun>().RunAsync(Officer);
        Clock.Now = Clock.Now.AddHours(73);
        var due = await Get<RetentionRun>().RunAsync(Officer);

        Assert.Equal(0, early.ProbeImages);
        Assert.Equal(1, due.ProbeImages);
        var (_, probe) = await Get<ReviewWorklist>().ShowAsync(Reviewer, result.ReviewId!.Value);
        Assert.Null(probe);
        var publicKey = (await Store.OpenAsync()).Keys.ExportSigningPublicKey();
        Assert.True(RetentionReport.Verify(due.Body, due.Signature, publicKey));
        var stored = await Get<RetentionRun>().ListAsync(Officer);
        Assert.Equal([early.RunId, due.RunId], stored.Select(r => r.RunId));
        Assert.All(stored, r => Assert.True(r.Valid));
        Assert.False(RetentionReport.Verify(due.Body.Replace("\"probeImages\":1", "\"probeImages\":0", StringComparison.Ordinal), due.Signature, publicKey));
        Assert.Equal(2, (await RecordsAsync(RetentionRun.Action)).Count(r => r.Outcome == "success"));
        // The patient's own templates are untouched: only the review evidence was due.
        Assert.Equal(1, await TemplateCountAsync());
    }

    [Fact]
    public async Task Withdrawal_AlsoShredsThePersonsProbeImagesWaitingForReview()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await EnrolledPatientAsync("img1.jpg");
        var result = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), candidates: [patient]);

        await Get<ConsentRegistry>().WithdrawAsync(Clerk, patient, ConsentEnd.Withdrawn);

        var (item, probe) = await Get<ReviewWorklist>().ShowAsync(Reviewer, result.ReviewId!.Value);
        Assert.Null(probe);
        Assert.Null(item.ProbeUntil);
        Assert.Single(await (await Store.OpenAsync()).Store.GetDeletionCertificatesAsync(item.Id));
    }

    [Fact]
    public async Task Retention_EndsExpiredConsents_AndShredsTheirTemplates()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await ConsentedPatientAsync(expires: Clock.Now.AddDays(30));
        await Get<FaceEnrolment>().EnrolAsync(Clerk, patient, [Capture("img1.jpg")]);
        Clock.Now = Clock.Now.AddDays(31);

        var run = await Get<RetentionRun>().RunAsync(Officer);

        Assert.Equal(1, run.ExpiredConsents);
        Assert.Equal(0, await TemplateCountAsync());
        Assert.Equal(ConsentEnd.Expired, (await Get<ConsentRegistry>().HistoryAsync(patient))[^1].EndReason);
        var certificate = Assert.Single(await (await Store.OpenAsync()).Store.GetDeletionCertificatesAsync(patient));
        Assert.Contains(certificate.Id, run.Certificates);
    }
}

public sealed class SqliteReviewWorklistTests(FaceEngineFixture engine) : ReviewWorklistTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override Task<Storage.StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new Storage.StorageOptions { DataDirectory = Data });
}

public sealed class PostgresReviewWorklistTests(PostgresCluster cluster, FaceEngineFixture engine) : ReviewWorklistTests(engine), IClassFixture<PostgresCluster>, IClassFixture<FaceEngineFixture>
{
    protected override async Task<Storage.StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
