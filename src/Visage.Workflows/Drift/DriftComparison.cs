using System.Globalization;
using Visage.Face;

namespace Visage.Workflows.Drift;

/// <summary>
/// Compares the recent window of one model version in one context with its baseline. Genuine scores (accepted on their
/// own or confirmed by a reviewer): the two-sample Kolmogorov–Smirnov D and the mean shift. Rates: the share sent to
/// review and the reviewer override rate, with Wilson intervals. A check alerts only when the change exceeds its bound
/// and chance at 95 % (KS p below 0.05; the mean shift's normal interval excludes zero; the rates' Wilson intervals do
/// not overlap); either window below the minimum sample is too few to judge.
/// </summary>
internal static class DriftComparison
{
    private const double Z95 = 1.959963984540054;
    private const double Alpha = 0.05;
    private const double BinWidth = 0.025;

    public static IReadOnlyList<DriftGroup> Compare(IReadOnlyList<RecognitionScore> rows, DateTimeOffset recentFrom, DriftOptions options) =>
        rows.GroupBy(r => (r.ModelVersion, r.Context))
            .OrderBy(g => g.Key.ModelVersion, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Context)
            .Select(g => Group(g.Key.ModelVersion, g.Key.Context, [.. g.Where(r => r.Hour >= recentFrom)], [.. g.Where(r => r.Hour < recentFrom)], options))
            .ToList();

    public static DriftGroup Group(string model, ScoreContext context, IReadOnlyList<RecognitionScore> recent, IReadOnlyList<RecognitionScore> baseline, DriftOptions options)
    {
        var recentGenuine = Genuine(recent);
        var baselineGenuine = Genuine(baseline);
        var recentReview = RateEstimate.Wilson(recent.Count(r => r.Outcome == AutomaticOutcome.Review), recent.Count);
        var baselineReview = RateEstimate.Wilson(baseline.Count(r => r.Outcome == AutomaticOutcome.Review), baseline.Count);
        var recentOverride = RateEstimate.Wilson(recent.Count(r => r.Overridden), recent.Count(r => r.Decided));
        var baselineOverride = RateEstimate.Wilson(baseline.Count(r => r.Overridden), baseline.Count(r => r.Decided));
        return new DriftGroup(
            model,
            context,
            Summary(recentGenuine),
            Summary(baselineGenuine),
            recentReview,
            baselineReview,
            recentOverride,
            baselineOverride,
            [
                Ks(recentGenuine, baselineGenuine, options),
                MeanShift(recentGenuine, baselineGenuine, options),
                RateRise(DriftCheck.ReviewRate, recentReview, baselineReview, options.MaxReviewRateIncrease, options.MinSamples),
                RateRise(DriftCheck.OverrideRate, recentOverride, baselineOverride, options.MaxOverrideRateIncrease, options.MinSamples),
            ],
            Histogram(recentGenuine, baselineGenuine));
    }

    private static List<double> Genuine(IEnumerable<RecognitionScore> rows) =>
        [.. rows.Where(r => r.Genuine == true && r.Score is not null).Select(r => (double)r.Score!.Value)];

    private static DriftCheck Ks(List<double> recent, List<double> baseline, DriftOptions options)
    {
        if (TooFew(DriftCheck.GenuineKs, recent.Count, baseline.Count, options.MaxKs, options.MinSamples) is { } tooFew)
        {
            return tooFew;
        }

        var d = KolmogorovSmirnov.Statistic(recent, baseline);
        var p = KolmogorovSmirnov.PValue(d, recent.Count, baseline.Count);
        var verdict = d > options.MaxKs && p < Alpha ? DriftVerdict.Alert : DriftVerdict.Pass;
        return new DriftCheck(DriftCheck.GenuineKs, verdict, d, options.MaxKs, recent.Count, baseline.Count, Text($"D {d:0.000} (p {p:0.0000}) against bound {options.MaxKs:0.000}"));
    }

    private static DriftCheck MeanShift(List<double> recent, List<double> baseline, DriftOptions options)
    {
        if (TooFew(DriftCheck.GenuineMeanShift, recent.Count, baseline.Count, options.MaxMeanShift, options.MinSamples) is { } tooFew)
        {
            return tooFew;
        }

        var (recentMean, recentSd) = (recent.Average(), StandardDeviation(recent)!.Value);
        var (baselineMean, baselineSd) = (baseline.Average(), StandardDeviation(baseline)!.Value);
        var shift = recentMean - baselineMean;
        var half = Z95 * Math.Sqrt((recentSd * recentSd / recent.Count) + (baselineSd * baselineSd / baseline.Count));
        var verdict = Math.Abs(shift) > options.MaxMeanShift && Math.Abs(shift) > half ? DriftVerdict.Alert : DriftVerdict.Pass;
        return new DriftCheck(
            DriftCheck.GenuineMeanShift,
            verdict,
            shift,
            options.MaxMeanShift,
            recent.Count,
            baseline.Count,
            Text($"mean {recentMean:0.000} against {baselineMean:0.000}: {shift:+0.000;-0.000} (95 % ± {half:0.000}), bound ± {options.MaxMeanShift:0.000}"));
    }

    private static DriftCheck RateRise(string check, RateEstimate recent, RateEstimate baseline, double bound, int minSamples)
    {
        if (TooFew(check, recent.Trials, baseline.Trials, bound, minSamples) is { } tooFew)
        {
            return tooFew;
        }

        var rise = recent.Rate!.Value - baseline.Rate!.Value;
        var verdict = rise > bound && recent.Lower > baseline.Upper ? DriftVerdict.Alert : DriftVerdict.Pass;
        return new DriftCheck(
            check,
            verdict,
            rise,
            bound,
            recent.Trials,
            baseline.Trials,
            Text($"{recent.Rate:P1} [{recent.Lower:P1}, {recent.Upper:P1}] against {baseline.Rate:P1} [{baseline.Lower:P1}, {baseline.Upper:P1}]: {rise:+0.000;-0.000}, bound + {bound:0.000}"));
    }

    private static DriftCheck? TooFew(string check, int recent, int baseline, double bound, int minSamples) =>
        recent >= minSamples && baseline >= minSamples
            ? null
            : new DriftCheck(check, DriftVerdict.TooFewSamples, null, bound, recent, baseline, Text($"too few samples to judge: {recent} recent, {baseline} baseline (at least {minSamples} each)"));

    private static ScoreSummary Summary(List<double> scores)
    {
        if (scores.Count == 0)
        {
            return new ScoreSummary(0, null, null, null);
        }

        var sorted = scores.Order().ToArray();
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new ScoreSummary(scores.Count, scores.Average(), StandardDeviation(scores), median);
    }

    private static double? StandardDeviation(List<double> scores)
    {
        if (scores.Count < 2)
        {
            return null;
        }

        var mean = scores.Average();
        return Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / (scores.Count - 1));
    }

    private static List<ScoreBin> Histogram(List<double> recent, List<double> baseline)
    {
        if (recent.Count + baseline.Count == 0)
        {
            return [];
        }

        static int Bin(double score) => (int)Math.Floor(score / BinWidth);
        var recentBins = recent.GroupBy(Bin).ToDictionary(g => g.Key, g => g.Count());
        var baselineBins = baseline.GroupBy(Bin).ToDictionary(g => g.Key, g => g.Count());
        var all = recent.Concat(baseline).Select(Bin).ToList();
        return [.. Enumerable.Range(all.Min(), all.Max() - all.Min() + 1)
            .Select(b => new ScoreBin(Math.Round(b * BinWidth, 3), Math.Round((b + 1) * BinWidth, 3), recentBins.GetValueOrDefault(b), baselineBins.GetValueOrDefault(b)))];
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
