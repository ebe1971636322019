using Visage.Face;

namespace Visage.Workflows.Drift;

/// <summary>A check's verdict; too few samples is neither a pass nor an alert.</summary>
public enum DriftVerdict
{
    Pass,
    Alert,
    TooFewSamples,
}

/// <summary>
/// One check of one model version in one context: <see cref="Value"/> is the statistic (the KS D, or a change: recent
/// minus baseline), null when there were too few samples; <see cref="Bound"/> the configured limit.
/// </summary>
public sealed record DriftCheck(string Check, DriftVerdict Verdict, double? Value, double Bound, int RecentSamples, int BaselineSamples, string Detail)
{
    public const string GenuineKs = "genuine-ks";
    public const string GenuineMeanShift = "genuine-mean-shift";
    public const string ReviewRate = "review-rate";
    public const string OverrideRate = "override-rate";
}

/// <summary>The genuine scores of one window, summarised (null figures when there were none).</summary>
public sealed record ScoreSummary(int Count, double? Mean, double? StandardDeviation, double? Median);

/// <summary>How many genuine scores of each window fell in [<see cref="From"/>, <see cref="To"/>).</summary>
public sealed record ScoreBin(double From, double To, int Recent, int Baseline);

/// <summary>
/// One model version in one context, recent window against baseline: the genuine-score distributions, the share sent to
/// review and the reviewer override rate (Wilson 95 % intervals), and the verdict of each check.
/// </summary>
public sealed record DriftGroup(
    string ModelVersion,
    ScoreContext Context,
    ScoreSummary RecentGenuine,
    ScoreSummary BaselineGenuine,
    RateEstimate RecentReviewRate,
    RateEstimate BaselineReviewRate,
    RateEstimate RecentOverrideRate,
    RateEstimate BaselineOverrideRate,
    IReadOnlyList<DriftCheck> Checks,
    IReadOnlyList<ScoreBin> GenuineHistogram)
{
    public bool Alert => Checks.Any(c => c.Verdict == DriftVerdict.Alert);
}

/// <summary>
/// The drift report: the recent window [<see cref="RecentFrom"/>, <see cref="RecentTo"/>) against the baseline
/// [<see cref="BaselineFrom"/>, <see cref="RecentFrom"/>), per model version and context. Subgroups are not known in
/// live operation (Visage holds no demographic attributes of the people it recognises); they are judged on labelled sets
/// by <c>visage eval</c>.
/// </summary>
public sealed record DriftReport(DateTimeOffset BaselineFrom, DateTimeOffset RecentFrom, DateTimeOffset RecentTo, int MinSamples, IReadOnlyList<DriftGroup> Groups)
{
    public bool Alert => Groups.Any(g => g.Alert);
}
