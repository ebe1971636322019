using System.Data.Common;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Drift;
using Visage.Workflows.Emergency;
using Visage.Workflows.Review;
using Visage.Workflows.StepUp;

namespace Visage.Workflows.Tests.Drift;

/// <summary>
/// The recording hook on real faces: each live decision (check-in, right-patient, step-up, emergency) leaves one score
/// row without the person, a reviewer's decision writes its outcome and unlinks the row from the item, and a decision
/// whose row cannot be written fails and is audited as failed. Check-in accepts only at 0.95 here, so a genuine pair
/// lands in the review band. SQLite and PostgreSQL.
/// </summary>
public abstract class RecognitionScoresTests(FaceEngineFixture engine) : WorkflowTests(engine)
{
    private static readonly SecondFactor Totp = new("totp", Verified: true);

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Recognition:CheckIn:Accept"] = "0.95",
        ["Recognition:CheckIn:Review"] = "0.30",
    };

    [Fact]
    public async Task LiveDecisions_LeaveOneScoreRowEach_WithoutThePerson_AndTheReviewersOutcomeFollows()
    {
        await ApproveAsync(Purposes.CheckIn, Purposes.StepUp);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");

        var queued = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), candidates: [patient]);
        var desk = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img16.jpg"), candidates: [patient]);
        var order = await Get<StepUpVerification>().ConfirmRightPatientAsync(Clerk, patient, "ORD-1", Capture("img11.jpg"));
        var verified = await Get<StepUpVerification>().VerifyAsync(Clerk, patient, Capture("img5.jpg"), Totp);
        var open = await RowsAsync();
        await Get<ReviewWorklist>().DecideAsync(Reviewer, queued.ReviewId!.Value, ReviewDecision.Confirm);
        var rows = await RowsAsync();

        Assert.Equal((CheckInOutcome.NeedsReview, CheckInOutcome.SeeDesk, RightPatientOutcome.Confirmed, true), (queued.Outcome, desk.Outcome, order.Outcome, verified.Verified));
        var hour = DateTimeOffset.FromUnixTimeMilliseconds(Clock.Now.ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000);
        var model = queued.ModelVersion;
        Assert.Equal(
            [
                new RecognitionScore(hour, ScoreContext.CheckIn, model, queued.Score, AutomaticOutcome.Review, ReviewStatus.Confirmed),
                new RecognitionScore(hour, ScoreContext.CheckIn, model, desk.Score, AutomaticOutcome.Desk),
                new RecognitionScore(hour, ScoreContext.RightPatient, model, order.Score, AutomaticOutcome.Accepted),
                new RecognitionScore(hour, ScoreContext.StepUp, model, verified.Score, AutomaticOutcome.Accepted),
            ],
            rows);
        Assert.Null(open[0].ReviewOutcome);
        Assert.Equal([true, null, true, true], rows.Select(r => r.Genuine));
        // Telemetry, not a record about a person: no subject column, and no link to the review item once it is decided.
        Assert.Equal(["seq", "hour_ms", "context", "model_version", "score", "outcome", "review_id", "review_outcome"], await ColumnsAsync());
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM recognition_scores WHERE review_id IS NOT NULL"));

        var report = await Get<DriftMonitor>().ReportAsync(Officer);
        var checkIn = report.Groups.Single(g => g.Context == ScoreContext.CheckIn);
        Assert.Equal((1, 2, 0, 1), (checkIn.RecentReviewRate.Errors, checkIn.RecentReviewRate.Trials, checkIn.RecentOverrideRate.Errors, checkIn.RecentOverrideRate.Trials));
        Assert.Equal(1, checkIn.RecentGenuine.Count);
        Assert.All(checkIn.Checks, c => Assert.Equal(DriftVerdict.TooFewSamples, c.Verdict));
    }

    [Fact]
    public async Task EmergencyIdentification_RejectedByTheClinician_CountsAsAnOverride()
    {
        await ApproveAsync(Purposes.EmergencyIdentification);
        await EnrolledPatientAsync("img1.jpg", "img2.jpg");

        var found = await Get<EmergencyIdentification>().IdentifyAsync(Clerk, Capture("img4.jpg"), BreakGlassReason.Unresponsive);
        await Get<ReviewWorklist>().DecideAsync(Reviewer, found.ReviewId, ReviewDecision.Reject);

        var row = Assert.Single(await RowsAsync());
        Assert.Equal((ScoreContext.Emergency, AutomaticOutcome.Review, found.Candidates[0].Score, ReviewStatus.Rejected), (row.Context, row.Outcome, row.Score, row.ReviewOutcome));
        Assert.True(row.Overridden);
        Assert.False(row.Genuine);
    }

    [Fact]
    public async Task ADecisionWhoseScoreCannotBeWritten_Fails_IsAuditedAsFailed_AndQueuesNothing()
    {
        await ApproveAsync(Purposes.CheckIn, Purposes.StepUp);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");
        await ExecuteAsync("DROP TABLE recognition_scores");

        await Assert.ThrowsAnyAsync<DbException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), candidates: [patient]));
        await Assert.ThrowsAnyAsync<DbException>(() => Get<StepUpVerification>().VerifyAsync(Clerk, patient, Capture("img5.jpg"), Totp));

        // The review item and its probe went with the failed transaction.
        Assert.Empty(await Get<ReviewWorklist>().ListAsync(null));
        Assert.Equal(["started", "failure"], (await RecordsAsync(PatientCheckIn.Action)).Select(r => r.Outcome));
        Assert.Equal(["started", "failure"], (await RecordsAsync(StepUpVerification.Action)).Select(r => r.Outcome));
        Assert.Equal("ended without an outcome", (await RecordsAsync(PatientCheckIn.Action))[^1].Reason);
    }

    private Task<IReadOnlyList<RecognitionScore>> RowsAsync() => Get<RecognitionScores>().BetweenAsync(DateTimeOffset.UnixEpoch, Clock.Now.AddDays(1), CancellationToken.None);

    private async Task<List<string>> ColumnsAsync()
    {
        await using var connection = await (await Store.OpenAsync()).Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM recognition_scores WHERE 1 = 0";
        await using var reader = await command.ExecuteReaderAsync();
        return [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await (await Store.OpenAsync()).Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await (await Store.OpenAsync()).Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class SqliteRecognitionScoresTests(FaceEngineFixture engine) : RecognitionScoresTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });
}

public sealed class PostgresRecognitionScoresTests(PostgresCluster cluster, FaceEngineFixture engine) : RecognitionScoresTests(engine), IClassFixture<PostgresCluster>, IClassFixture<FaceEngineFixture>
{
    protected override async Task<StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
