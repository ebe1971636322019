using System.Globalization;

namespace Visage.Face;

/// <summary>Whether a 1:N search over a gallery of <see cref="IdentificationRisk.GallerySize"/> may accept on its own.</summary>
internal enum IdentificationVerdict
{
    /// <summary>The upper bound of the false-positive identification rate is within the allowed rate.</summary>
    MayAcceptAlone,

    /// <summary>Even the lower bound exceeds the allowed rate.</summary>
    AlwaysReview,

    /// <summary>The interval spans the allowed rate: the set cannot show 1:N is safe, so it must go to review.</summary>
    ReviewUnproven,
}

/// <summary>
/// The expected false-positive identification rate of a search (no mate in the gallery) over <see cref="GallerySize"/>
/// subjects at <see cref="Threshold"/>, with the bounds carried over from the Wilson interval on the per-comparison FMR;
/// and the per-comparison FMR, threshold and impostor count a search this size would need to stay within
/// <see cref="MaxFpir"/>.
/// </summary>
internal sealed record IdentificationRisk(
    int GallerySize,
    float Threshold,
    double Fpir,
    double FpirLower,
    double FpirUpper,
    double MaxFpir,
    IdentificationVerdict Verdict,
    double FmrNeeded,
    int ImpostorsNeeded,
    float? ThresholdNeeded)
{
    public string Describe() => Verdict switch
    {
        IdentificationVerdict.MayAcceptAlone => string.Create(CultureInfo.InvariantCulture, $"may accept on its own (FPIR ≤ {FpirUpper:P2} ≤ {MaxFpir:P2})"),
        IdentificationVerdict.AlwaysReview => string.Create(CultureInfo.InvariantCulture, $"must always go to review (FPIR ≥ {FpirLower:P2} > {MaxFpir:P2})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"must go to review: FPIR up to {FpirUpper:P2} cannot be shown ≤ {MaxFpir:P2}"),
    };
}

/// <summary>
/// Expected false positives of 1:N identification from the impostor score tail: a search without a mate returns a false
/// candidate when any of N independent comparisons scores at or above the threshold, so FPIR(N) = 1 − (1 − FMR(t))^N.
/// Independence is an approximation (one probe's scores against different people are correlated), and a gallery of
/// relatives or look-alikes raises FMR(t) itself; the bounds only carry the sampling uncertainty of FMR(t).
/// </summary>
internal static class GalleryFalsePositives
{
    public static IReadOnlyList<int> StandardGallerySizes { get; } = [10, 100, 1_000, 10_000, 100_000];

    /// <summary>1 − (1 − <paramref name="fmr"/>)^<paramref name="gallerySize"/>.</summary>
    public static double Fpir(double fmr, int gallerySize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fmr);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fmr, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gallerySize, 1);
        return 1 - Math.Pow(1 - fmr, gallerySize);
    }

    /// <summary>The per-comparison FMR at which FPIR(N) equals <paramref name="maxFpir"/>: 1 − (1 − maxFpir)^(1/N).</summary>
    public static double FmrFor(double maxFpir, int gallerySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gallerySize, 1);
        return 1 - Math.Pow(1 - maxFpir, 1.0 / gallerySize);
    }

    /// <summary>FPIR per gallery size at <paramref name="threshold"/>, judged against <paramref name="maxFpir"/>.</summary>
    public static IReadOnlyList<IdentificationRisk> At(FmrThreshold threshold, double maxFpir, IReadOnlyList<int> gallerySizes, IReadOnlyList<float> genuine, IReadOnlyList<float> impostor)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        ArgumentNullException.ThrowIfNull(gallerySizes);
        ArgumentNullException.ThrowIfNull(impostor);
        if (maxFpir is <= 0 or >= 1 || double.IsNaN(maxFpir))
        {
            throw new ArgumentOutOfRangeException(nameof(maxFpir), "An allowed FPIR lies strictly between 0 and 1.");
        }

        var fmr = threshold.Fmr;
        return [.. gallerySizes.Select(n =>
        {
            var point = Fpir(fmr.Rate ?? 0, n);
            var lower = Fpir(fmr.Lower ?? 0, n);
            var upper = Fpir(fmr.Upper ?? 1, n);
            var verdict = upper <= maxFpir ? IdentificationVerdict.MayAcceptAlone
                : lower > maxFpir ? IdentificationVerdict.AlwaysReview
                : IdentificationVerdict.ReviewUnproven;
            var needed = FmrFor(maxFpir, n);
            var impostorsNeeded = needed > 0 ? (int)Math.Min(int.MaxValue, Math.Ceiling(3 / needed)) : int.MaxValue;
            float? thresholdNeeded = impostor.Count >= impostorsNeeded ? ThresholdCalibration.AtFmr(needed, genuine, impostor).Threshold : null;
            return new IdentificationRisk(n, threshold.Threshold, point, lower, upper, maxFpir, verdict, needed, impostorsNeeded, thresholdNeeded);
        })];
    }
}
