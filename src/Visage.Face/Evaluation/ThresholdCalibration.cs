using System.Globalization;

namespace Visage.Face;

/// <summary>
/// The lowest threshold (rounded up to <see cref="ThresholdCalibration.Decimals"/> decimals, so the setting a site types
/// still meets the target) whose false match rate on the calibration impostors is at most <see cref="TargetFmr"/>, with
/// the observed FMR and FNMR there. <see cref="Certified"/> only with at least <see cref="ImpostorsNeeded"/> (3/FMR)
/// impostor pairs; below that the threshold is a lower bound: the set cannot tell an FMR of the target from zero.
/// </summary>
internal sealed record FmrThreshold(
    double TargetFmr,
    float Threshold,
    int Impostors,
    int ImpostorsNeeded,
    bool Certified,
    RateEstimate Fmr,
    RateEstimate Fnmr)
{
    /// <summary>What the threshold may be trusted for, in words.</summary>
    public string Caveat => Certified
        ? string.Create(CultureInfo.InvariantCulture, $"certified on {Impostors} impostor pairs (at least {ImpostorsNeeded} needed)")
        : string.Create(
            CultureInfo.InvariantCulture,
            $"lower bound, not certified: {Impostors} impostor pairs, {ImpostorsNeeded} needed for FMR {TargetFmr:0.#####}; {Fmr.Errors} scored at or above it, which bounds FMR by {Fmr.Upper:P2} (95 %), not by {TargetFmr:0.#####}. A larger set will probably need a higher threshold.");
}

/// <summary>Thresholds at a target false match rate from a calibration set's genuine and impostor scores.</summary>
internal static class ThresholdCalibration
{
    /// <summary>Settings are written with three decimals; a threshold is rounded up to them, never down.</summary>
    public const int Decimals = 3;

    public static FmrThreshold AtFmr(double targetFmr, IReadOnlyList<float> genuine, IReadOnlyList<float> impostor)
    {
        ArgumentNullException.ThrowIfNull(genuine);
        ArgumentNullException.ThrowIfNull(impostor);
        if (targetFmr is <= 0 or >= 1 || double.IsNaN(targetFmr))
        {
            throw new ArgumentOutOfRangeException(nameof(targetFmr), "A target FMR lies strictly between 0 and 1.");
        }

        if (genuine.Count == 0 || impostor.Count == 0)
        {
            throw new ArgumentException("Calibration needs at least one genuine and one impostor score.");
        }

        WeightedScore[] genuineAscending = [.. genuine.Order().Select(s => new WeightedScore(s, 1))];
        WeightedScore[] impostorDescending = [.. impostor.OrderDescending().Select(s => new WeightedScore(s, 1))];
        var (_, raw) = FixedFmr.At(targetFmr, genuineAscending, impostorDescending)!.Value;
        var threshold = RoundUp(raw);
        var needed = FixedFmr.ImpostorsNeeded(targetFmr);
        return new FmrThreshold(
            targetFmr,
            threshold,
            impostor.Count,
            needed,
            impostor.Count >= needed,
            RateEstimate.Wilson(impostor.Count(s => s >= threshold), impostor.Count),
            RateEstimate.Wilson(genuine.Count(s => s < threshold), genuine.Count));
    }

    /// <summary>Up to the next multiple of 10^-<see cref="Decimals"/>; a threshold above every score stays above it.</summary>
    internal static float RoundUp(float threshold)
    {
        if (float.IsNegativeInfinity(threshold))
        {
            return -1f;
        }

        // Compared as floats, as the services compare: the setting "0.450" reads back as 0.45f, the nearest float to
        // the decimal, so the smallest decimal whose float is not below the raw threshold is the one to write.
        var scale = Math.Pow(10, Decimals);
        var steps = Math.Floor(threshold * scale) - 1;
        while ((float)(steps / scale) < threshold)
        {
            steps++;
        }

        var rounded = (float)(steps / scale);
        return rounded;
    }
}
