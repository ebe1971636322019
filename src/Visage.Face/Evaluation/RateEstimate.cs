namespace Visage.Face;

/// <summary>An error rate, <see cref="Errors"/> of <see cref="Trials"/>, with its 95 % interval; null figures when there were no trials.</summary>
public sealed record RateEstimate(int Errors, int Trials, double? Rate, double? Lower, double? Upper)
{
    /// <summary>
    /// The Wilson score interval: unlike the normal approximation it stays inside [0, 1] and does not collapse to
    /// zero width when no errors were seen, which is the usual case for false matches on a small set.
    /// </summary>
    public static RateEstimate Wilson(int errors, int trials, double z = 1.959963984540054)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(errors);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(errors, trials);
        if (trials == 0)
        {
            return new RateEstimate(0, 0, null, null, null);
        }

        double n = trials;
        var p = errors / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = p + (z2 / (2 * n));
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        return new RateEstimate(errors, trials, p, Math.Max(0, (centre - half) / denominator), Math.Min(1, (centre + half) / denominator));
    }
}
