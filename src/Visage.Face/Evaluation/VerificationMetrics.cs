namespace Visage.Face;

/// <summary>One operating point on the ROC: at <see cref="Threshold"/>, the false match and false non-match rates.</summary>
public readonly record struct OperatingPoint(float Threshold, double FalseMatchRate, double FalseNonMatchRate);

/// <summary>Verification accuracy figures for genuine (same person) and impostor scores.</summary>
public sealed record VerificationMetrics(
    int Genuine,
    int Impostor,
    float Threshold,
    double AccuracyAtThreshold,
    double FalseMatchRate,
    double FalseNonMatchRate,
    double BestAccuracy,
    float BestThreshold,
    double RocAuc,
    double EqualErrorRate,
    float EqualErrorThreshold,
    double? TrueAcceptRateAtFar1e2,
    IReadOnlyList<OperatingPoint> Curve)
{
    /// <summary>Computes every figure; higher scores mean "more likely the same person".</summary>
    public static VerificationMetrics Compute(IReadOnlyList<float> genuine, IReadOnlyList<float> impostor, float threshold)
    {
        ArgumentNullException.ThrowIfNull(genuine);
        ArgumentNullException.ThrowIfNull(impostor);
        if (genuine.Count == 0 || impostor.Count == 0)
        {
            throw new ArgumentException("Need at least one genuine and one impostor score.");
        }

        var total = genuine.Count + impostor.Count;
        var (fmr, fnmr) = Rates(genuine, impostor, threshold);
        var accuracy = 1 - (((fmr * impostor.Count) + (fnmr * genuine.Count)) / total);

        // Sweep every distinct score as a threshold ("score >= t" is a match), plus one above the maximum.
        var thresholds = genuine.Concat(impostor).Distinct().Order().Append(float.PositiveInfinity).ToArray();
        var curve = new List<OperatingPoint>(thresholds.Length);
        double bestAccuracy = -1, eer = 1, eerGap = double.MaxValue;
        float bestThreshold = 0, eerThreshold = 0;
        var sortedGenuine = genuine.Order().ToArray();
        var sortedImpostor = impostor.Order().ToArray();
        foreach (var t in thresholds)
        {
            var falseNonMatch = (double)LowerBound(sortedGenuine, t) / genuine.Count;
            var falseMatch = (double)(impostor.Count - LowerBound(sortedImpostor, t)) / impostor.Count;
            curve.Add(new OperatingPoint(t, falseMatch, falseNonMatch));
            var acc = 1 - (((falseMatch * impostor.Count) + (falseNonMatch * genuine.Count)) / total);
            if (acc > bestAccuracy)
            {
                (bestAccuracy, bestThreshold) = (acc, t);
            }

            var gap = Math.Abs(falseMatch - falseNonMatch);
            if (gap < eerGap)
            {
                (eerGap, eer, eerThreshold) = (gap, (falseMatch + falseNonMatch) / 2, t);
            }
        }

        double? tar = null;
        if (impostor.Count >= 100)
        {
            // Best true accept rate among thresholds whose false match rate is at most 1e-2.
            tar = curve.Where(p => p.FalseMatchRate <= 1e-2).Max(p => 1 - p.FalseNonMatchRate);
        }

        return new VerificationMetrics(
            genuine.Count, impostor.Count, threshold, accuracy, fmr, fnmr, bestAccuracy, bestThreshold,
            Auc(sortedGenuine, sortedImpostor), eer, eerThreshold, tar, curve);
    }

    private static (double Fmr, double Fnmr) Rates(IReadOnlyList<float> genuine, IReadOnlyList<float> impostor, float threshold) =>
        ((double)impostor.Count(s => s >= threshold) / impostor.Count, (double)genuine.Count(s => s < threshold) / genuine.Count);

    /// <summary>Probability that a random genuine score exceeds a random impostor score (ties count half).</summary>
    private static double Auc(float[] sortedGenuine, float[] sortedImpostor)
    {
        double wins = 0;
        foreach (var g in sortedGenuine)
        {
            var below = LowerBound(sortedImpostor, g);
            var notAbove = UpperBound(sortedImpostor, g);
            wins += below + ((notAbove - below) / 2.0);
        }

        return wins / ((double)sortedGenuine.Length * sortedImpostor.Length);
    }

    private static int LowerBound(float[] sorted, float value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(float[] sorted, float value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
