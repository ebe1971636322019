namespace Visage.Face;

/// <summary>
/// The false non-match rate at the threshold where the false match rate is at most <see cref="TargetFmr"/>, with a
/// bootstrap interval over identities. Not estimated (<see cref="Estimated"/> false) when the set has fewer than
/// <see cref="ImpostorsNeeded"/> impostor pairs: below 3/FMR an FMR of 1e-3 cannot be told from zero.
/// </summary>
public sealed record FixedFmrEstimate(
    double TargetFmr,
    int ImpostorsNeeded,
    int Impostors,
    bool Estimated,
    double? Fnmr,
    float? Threshold,
    double? Lower,
    double? Upper,
    int BootstrapReplicates)
{
    public string Describe() => Estimated
        ? FormattableString.Invariant($"{Fnmr:P2} [{Lower:P2}, {Upper:P2}]")
        : FormattableString.Invariant($"not enough impostors ({Impostors} of {ImpostorsNeeded})");
}

/// <summary>One pair's score with how many times a bootstrap replicate counts it.</summary>
internal readonly record struct WeightedScore(float Score, int Weight);

/// <summary>FNMR at a fixed FMR over weighted scores (weights are bootstrap multiplicities; 1 for the plain estimate).</summary>
internal static class FixedFmr
{
    /// <summary>The fewest impostor pairs for which an FMR of <paramref name="targetFmr"/> is estimated at all.</summary>
    public static int ImpostorsNeeded(double targetFmr) => (int)Math.Ceiling(3 / targetFmr);

    /// <summary>
    /// The lowest threshold (a score matches when at or above it) whose weighted FMR is at most the target, and the
    /// weighted FNMR there. Null when either side has no weight.
    /// </summary>
    /// <param name="genuineAscending">Genuine scores sorted ascending.</param>
    /// <param name="impostorDescending">Impostor scores sorted descending.</param>
    public static (double Fnmr, float Threshold)? At(double targetFmr, ReadOnlySpan<WeightedScore> genuineAscending, ReadOnlySpan<WeightedScore> impostorDescending)
    {
        long genuineWeight = 0, impostorWeight = 0;
        foreach (var g in genuineAscending)
        {
            genuineWeight += g.Weight;
        }

        foreach (var i in impostorDescending)
        {
            impostorWeight += i.Weight;
        }

        if (genuineWeight == 0 || impostorWeight == 0)
        {
            return null;
        }

        // Walk impostor scores from the top; the threshold sits just above the first score whose inclusion (with its
        // ties) would push the false match weight over the allowance.
        var allowance = targetFmr * impostorWeight;
        long accepted = 0;
        var threshold = float.NegativeInfinity;
        var k = 0;
        while (k < impostorDescending.Length)
        {
            var score = impostorDescending[k].Score;
            long tied = 0;
            var j = k;
            while (j < impostorDescending.Length && impostorDescending[j].Score == score)
            {
                tied += impostorDescending[j].Weight;
                j++;
            }

            if (tied > 0 && accepted + tied > allowance)
            {
                threshold = MathF.BitIncrement(score);
                break;
            }

            accepted += tied;
            k = j;
        }

        long rejected = 0;
        foreach (var g in genuineAscending)
        {
            if (g.Score >= threshold)
            {
                break;
            }

            rejected += g.Weight;
        }

        return ((double)rejected / genuineWeight, threshold);
    }
}
