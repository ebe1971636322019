using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Visage.Storage.Tests;
using Visage.Workflows.Drift;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Workflows.Tests.Drift;

/// <summary>
/// The drift monitor over score streams shaped row by row (the live path that writes them is proven in
/// <see cref="RecognitionScoresTests"/>): a stable stream passes, a genuine-score drop of 0.1 and a rise of overrides
/// alert with an audit record each, too few samples is said and raises nothing. SQLite and PostgreSQL.
/// </summary>
public abstract class DriftMonitorTests(FaceEngineFixture engine) : WorkflowTests(engine)
{
    private const string Model = "faceplugin-feature512@0.0.1";

    [Fact]
    public async Task Check_StableStream_PassesEveryCheck_AndRaisesNoAlert()
    {
        await WeeksAsync(seed: 1, recentMean: 0.66, baselineReviews: (100, 10), recentReviews: (40, 4));

        var report = await Get<DriftMonitor>().CheckAsync(Officer);

        var group = Assert.Single(report.Groups);
        Assert.Equal((Model, ScoreContext.CheckIn), (group.ModelVersion, group.Context));
        Assert.All(group.Checks, c => Assert.True(c.Verdict == DriftVerdict.Pass, $"{c.Check}: {c.Detail}"));
        Assert.Equal((120, 280), (group.RecentGenuine.Count, group.BaselineGenuine.Count));
        Assert.False(report.Alert);
        Assert.Empty(await RecordsAsync(DriftMonitor.AlertAction));
        Assert.Equal(["started", "success"], (await RecordsAsync(DriftMonitor.ReportAction)).Select(r => r.Outcome));
    }

    [Fact]
    public async Task Check_GenuineScoresLoweredByATenth_AlertsOnTheDistributionAndTheMean_WithAuditRecords()
    {
        await WeeksAsync(seed: 3, recentMean: 0.56);

        var report = await Get<DriftMonitor>().CheckAsync(Officer);

        var group = Assert.Single(report.Groups);
        var ks = group.Checks.Single(c => c.Check == DriftCheck.GenuineKs);
        var mean = group.Checks.Single(c => c.Check == DriftCheck.GenuineMeanShift);
        Assert.Equal(DriftVerdict.Alert, ks.Verdict);
        Assert.InRange(ks.Value!.Value, 0.3, 0.8);
        Assert.Equal(DriftVerdict.Alert, mean.Verdict);
        Assert.InRange(mean.Value!.Value, -0.13, -0.07);
        Assert.True(report.Alert);
        var alerts = await RecordsAsync(DriftMonitor.AlertAction);
        Assert.Equal(2, alerts.Count);
        var started = (await RecordsAsync(DriftMonitor.ReportAction))[0];
        Assert.All(alerts, a => Assert.Equal(("visage", "raised", Model, started.CorrelationId, (string?)null), (a.Actor, a.Outcome, a.ModelVersion, a.CorrelationId, a.Subject)));
        Assert.Contains(alerts, a => a.Reason!.StartsWith("check-in; genuine-ks +0.", StringComparison.Ordinal) && a.Reason.EndsWith("beyond 0.200; samples 120 recent, 280 baseline", StringComparison.Ordinal));
        Assert.Contains(alerts, a => a.Reason!.StartsWith("check-in; genuine-mean-shift -0.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_OverrideRateRise_IsDetected_WhileTheGenuineScoresPass()
    {
        await WeeksAsync(seed: 5, recentMean: 0.66, baselineReviews: (100, 10), recentReviews: (60, 27));

        var report = await Get<DriftMonitor>().CheckAsync(Officer);

        var group = Assert.Single(report.Groups);
        var overrides = group.Checks.Single(c => c.Check == DriftCheck.OverrideRate);
        Assert.Equal(DriftVerdict.Alert, overrides.Verdict);
        Assert.Equal((27, 60, 10, 100), (group.RecentOverrideRate.Errors, group.RecentOverrideRate.Trials, group.BaselineOverrideRate.Errors, group.BaselineOverrideRate.Trials));
        Assert.True(group.RecentOverrideRate.Lower > group.BaselineOverrideRate.Upper);
        Assert.Equal(DriftVerdict.Pass, group.Checks.Single(c => c.Check == DriftCheck.GenuineKs).Verdict);
        var alert = Assert.Single(await RecordsAsync(DriftMonitor.AlertAction), a => a.Reason!.Contains(DriftCheck.OverrideRate, StringComparison.Ordinal));
        Assert.Equal("check-in; override-rate +0.350 beyond 0.100; samples 60 recent, 100 baseline", alert.Reason);
    }

    [Fact]
    public async Task Check_TooFewSamples_SaysSo_NeitherPassNorAlert_AndRaisesNothing()
    {
        // Ten check-ins this week, every one of them far lower: still too few to judge.
        await WeeksAsync(seed: 7, recentMean: 0.30, recentGenuine: 10);

        var report = await Get<DriftMonitor>().CheckAsync(Officer);

        var group = Assert.Single(report.Groups);
        Assert.All(group.Checks, c => Assert.Equal(DriftVerdict.TooFewSamples, c.Verdict));
        Assert.All(group.Checks, c => Assert.Null(c.Value));
        Assert.Contains("too few samples to judge: 10 recent, 280 baseline", group.Checks[0].Detail, StringComparison.Ordinal);
        Assert.False(report.Alert);
        Assert.Empty(await RecordsAsync(DriftMonitor.AlertAction));
        Assert.EndsWith("4 checks with too few samples", (await RecordsAsync(DriftMonitor.ReportAction))[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_EachModelVersionAndContext_IsJudgedApart()
    {
        await WeeksAsync(seed: 9, recentMean: 0.66, baselineReviews: (100, 10), recentReviews: (40, 4));
        // A new model this week has no baseline of its own: never compared with the old one's.
        await StreamAsync(days: 7, daysAgo: 0, genuine: 120, mean: 0.40, seed: 11, model: "other-model@2");
        await StreamAsync(days: 7, daysAgo: 0, genuine: 60, mean: 0.40, seed: 12, context: ScoreContext.StepUp);

        var report = await Get<DriftMonitor>().CheckAsync(Officer);

        Assert.Equal([(Model, ScoreContext.CheckIn), (Model, ScoreContext.StepUp), ("other-model@2", ScoreContext.CheckIn)], report.Groups.Select(g => (g.ModelVersion, g.Context)));
        Assert.All(report.Groups[0].Checks, c => Assert.Equal(DriftVerdict.Pass, c.Verdict));
        Assert.All(report.Groups.Skip(1), g => Assert.All(g.Checks, c => Assert.Equal(DriftVerdict.TooFewSamples, c.Verdict)));
    }

    [Fact]
    public async Task Report_ReadsWithoutRaisingAlerts_AndAWeeksArgumentWidensTheRecentWindow()
    {
        await StreamAsync(days: 28, daysAgo: 14, genuine: 280, mean: 0.66, seed: 13);
        await StreamAsync(days: 14, daysAgo: 0, genuine: 120, mean: 0.50, seed: 14);

        var oneWeek = await Get<DriftMonitor>().ReportAsync(Officer);
        var twoWeeks = await Get<DriftMonitor>().ReportAsync(Officer, weeks: 2);

        // The windows end with the current hour, as rows keep only the hour.
        var end = RecognitionScores.HourOf(Clock.Now).AddHours(1);
        Assert.Equal((end.AddDays(-7), end), (oneWeek.RecentFrom, oneWeek.RecentTo));
        Assert.Equal((end.AddDays(-14), end.AddDays(-42)), (twoWeeks.RecentFrom, twoWeeks.BaselineFrom));
        Assert.Equal(120, Assert.Single(twoWeeks.Groups).RecentGenuine.Count);
        Assert.True(twoWeeks.Alert);
        Assert.Empty(await RecordsAsync(DriftMonitor.AlertAction));
    }

    [Fact]
    public async Task Report_WeeksOutOfRange_IsRefused_AndAudited()
    {
        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<DriftMonitor>().ReportAsync(Officer, weeks: 0));

        Assert.Equal((RefusalCodes.BadInput, RefusalKind.BadInput), (refused.Code, refused.Kind));
        var record = Assert.Single(await RecordsAsync(DriftMonitor.ReportAction));
        Assert.Equal(("refused", RefusalCodes.BadInput), (record.Outcome, record.Reason));
    }

    [Fact]
    public async Task TheWeeklyService_RunsTheCheckAtStart_AndRaisesTheAlert()
    {
        await WeeksAsync(seed: 15, recentMean: 0.56);
        using var service = new DriftService(Get<DriftMonitor>(), Options.Create(new DriftOptions()), NullLogger<DriftService>.Instance);

        await service.StartAsync(CancellationToken.None);
        var alerts = await AlertsAsync(DriftMonitor.AlertAction, expected: 2);
        await service.StopAsync(CancellationToken.None);

        Assert.Contains(alerts, a => a.Reason!.StartsWith("check-in; genuine-ks", StringComparison.Ordinal));
        Assert.All(alerts, a => Assert.Equal("system", a.ActorRole));
        Assert.Equal("visage", (await RecordsAsync(DriftMonitor.ReportAction))[0].Actor);
    }

    /// <summary>
    /// Four weeks of baseline check-ins ending a week ago (280 genuine scores around 0.66) and this week's
    /// (<paramref name="recentGenuine"/> around <paramref name="recentMean"/>), each with its decided reviews.
    /// </summary>
    private async Task WeeksAsync(int seed, double recentMean, int recentGenuine = 120, (int Count, int Overridden) baselineReviews = default, (int Count, int Overridden) recentReviews = default)
    {
        await StreamAsync(days: 28, daysAgo: 7, genuine: 280, mean: 0.66, seed: seed, reviews: baselineReviews.Count, overridden: baselineReviews.Overridden);
        await StreamAsync(days: 7, daysAgo: 0, genuine: recentGenuine, mean: recentMean, seed: seed + 1, reviews: recentReviews.Count, overridden: recentReviews.Overridden);
    }

    /// <summary>
    /// <paramref name="genuine"/> check-in decisions spread evenly over <paramref name="days"/> days ending
    /// <paramref name="daysAgo"/> days ago, accepted with genuine scores drawn from N(<paramref name="mean"/>, 0.08), then <paramref name="reviews"/> decided review items (without a score, so the
    /// genuine scores stay as drawn) of which <paramref name="overridden"/> the reviewer overrode.
    /// </summary>
    private async Task StreamAsync(int days, int daysAgo, int genuine, double mean, int seed, int reviews = 0, int overridden = 0, string model = Model, ScoreContext context = ScoreContext.CheckIn)
    {
        var random = new Random(seed);
        var scores = Get<RecognitionScores>();
        var span = TimeSpan.FromDays(days);
        var end = Clock.Now.AddDays(-daysAgo);
        for (var i = 0; i < genuine + reviews; i++)
        {
            // Two hours clear of either end: the report's windows start and end on whole hours.
            var hour = RecognitionScores.HourOf(end - span + TimeSpan.FromHours(2) + ((i + 0.5) * (span - TimeSpan.FromHours(4)) / (genuine + reviews)));
            var score = (float)(mean + (0.08 * Normal(random)));
            var row = i < genuine
                ? new RecognitionScore(hour, context, model, score, AutomaticOutcome.Accepted)
                : new RecognitionScore(hour, context, model, null, AutomaticOutcome.Review, i - genuine < overridden ? ReviewStatus.Rejected : ReviewStatus.Confirmed);
            await scores.AddAsync(row);
        }
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

public sealed class SqliteDriftMonitorTests(FaceEngineFixture engine) : DriftMonitorTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override Task<Storage.StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new Storage.StorageOptions { DataDirectory = Data });
}

public sealed class PostgresDriftMonitorTests(PostgresCluster cluster, FaceEngineFixture engine) : DriftMonitorTests(engine), IClassFixture<PostgresCluster>, IClassFixture<FaceEngineFixture>
{
    protected override async Task<Storage.StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
