using System.Globalization;

namespace Visage.Face;

/// <summary>
/// One presentation's outcome at one subsystem: <see cref="AcceptedAsBonaFide"/> null when that subsystem could not be
/// evaluated on it (the active challenge on a still of a real person).
/// </summary>
internal readonly record struct PresentationOutcome(string Species, bool AcceptedAsBonaFide);

/// <summary>An error rate with its sample size and what may be claimed from it.</summary>
internal sealed record PresentationErrorRate(string Species, RateEstimate Rate, string Claim);

/// <summary>
/// ISO/IEC 30107-3 figures of one subsystem: APCER per attack species (attacks accepted as bona fide), the worst of them
/// (APCER of the attack potential as a whole), and BPCER (bona fide presentations refused). A figure not measured says why.
/// </summary>
internal sealed record PresentationAttackReport(
    string Subsystem,
    IReadOnlyList<PresentationErrorRate> Apcer,
    PresentationErrorRate? WorstApcer,
    PresentationErrorRate? Bpcer,
    string? BpcerNotMeasured)
{
    /// <summary>
    /// Which decision this is, as a stable code the promotion gates look up (<see cref="PresentationAttackMetrics.Passive"/>,
    /// <see cref="PresentationAttackMetrics.Active"/>, <see cref="PresentationAttackMetrics.PassiveAndActive"/>); the
    /// subsystem text is for people and names the model and threshold.
    /// </summary>
    public string? Combination { get; init; }
}

/// <summary>APCER and BPCER as ISO/IEC 30107-3 defines them, with Wilson intervals and plain words for small samples.</summary>
internal static class PresentationAttackMetrics
{
    public const string BonaFide = "bona-fide";

    public const string Passive = "passive";
    public const string Active = "active";
    public const string PassiveAndActive = "passive+active";

    /// <summary>
    /// Below this many presentations no rate is claimed: with 30 and no errors the 95 % interval still reaches 11 %.
    /// </summary>
    public const int MinPresentations = 30;

    /// <param name="subsystem">What decided (passive model, active challenge, both).</param>
    /// <param name="outcomes">Every evaluated presentation; species <see cref="BonaFide"/> for bona fide ones.</param>
    /// <param name="bpcerNotMeasured">Why BPCER is not measured, when bona fide presentations cannot be evaluated.</param>
    public static PresentationAttackReport Compute(string subsystem, IReadOnlyCollection<PresentationOutcome> outcomes, string? bpcerNotMeasured = null)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var apcer = outcomes.Where(o => !IsBonaFide(o.Species))
            .GroupBy(o => o.Species, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Error(g.Key, g.Count(o => o.AcceptedAsBonaFide), g.Count()))
            .ToList();
        var worst = apcer.OrderByDescending(a => a.Rate.Rate).ThenByDescending(a => a.Rate.Upper).FirstOrDefault();
        var bonaFide = outcomes.Where(o => IsBonaFide(o.Species)).ToList();
        var bpcer = bpcerNotMeasured is null && bonaFide.Count > 0 ? Error(BonaFide, bonaFide.Count(o => !o.AcceptedAsBonaFide), bonaFide.Count) : null;
        return new PresentationAttackReport(subsystem, apcer, worst, bpcer, bpcer is null ? bpcerNotMeasured ?? "no bona fide presentations" : null);
    }

    public static bool IsBonaFide(string species) => string.Equals(species, BonaFide, StringComparison.Ordinal);

    /// <summary>"k of n", the interval, and whether a rate may be claimed from n presentations at all.</summary>
    public static string Claim(RateEstimate rate)
    {
        ArgumentNullException.ThrowIfNull(rate);
        if (rate.Trials == 0)
        {
            return "no presentations: not measured";
        }

        return rate.Trials < MinPresentations
            ? string.Create(CultureInfo.InvariantCulture, $"{rate.Trials} {(rate.Trials == 1 ? "presentation" : "presentations")}: no rate can be claimed")
            : string.Create(CultureInfo.InvariantCulture, $"{rate.Errors} of {rate.Trials}: {rate.Rate:P1}, 95 % interval {rate.Lower:P1}–{rate.Upper:P1}");
    }

    private static PresentationErrorRate Error(string species, int errors, int trials)
    {
        var rate = RateEstimate.Wilson(errors, trials);
        return new PresentationErrorRate(species, rate, Claim(rate));
    }
}
