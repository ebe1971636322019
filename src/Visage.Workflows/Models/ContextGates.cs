using Visage.Face;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Models;

/// <summary>
/// The gates per recognition context, judged from the pooled scores a report carries at the thresholds configured now
/// (<see cref="RecognitionOptions"/>), so a model is promoted on the thresholds the services will use: FMR at the
/// context's Accept (a score at or above it stands on its own) and FNMR below the threshold under which a genuine
/// person is lost — Review where the context has a review band, Accept for step-up, which has none. A report without
/// scores (written before reports kept them) leaves every context not judged, which fails: never a pass by silence.
/// </summary>
internal static class ContextGates
{
    public static IReadOnlyList<string> Names { get; } = [.. Thresholds(new RecognitionOptions()).Select(t => t.Name)];

    public static IEnumerable<GateResult> Check(PooledScores? scores, PromotionGateOptions options, RecognitionOptions recognition)
    {
        foreach (var (name, accept, lostBelow, lostAt) in Thresholds(recognition))
        {
            var (maxFmr, maxFnmr) = options.TargetsFor(name);
            if (scores is null)
            {
                const string NoScores = "not judged: the report carries no scores (written before reports kept them); regenerate it with visage eval pairs";
                yield return new GateResult(PromotionGates.Pooled, "fmr:" + name, false, false, NoScores);
                yield return new GateResult(PromotionGates.Pooled, "fnmr:" + name, false, false, NoScores);
                continue;
            }

            var fmr = RateGate.Check(PromotionGates.Pooled, "fmr:" + name, RateGate.Inv($"FMR at Accept {accept:0.000}:"), scores.Impostor.Count(s => s >= accept), scores.Impostor.Count, maxFmr);
            var needed = (int)Math.Min(int.MaxValue, Math.Ceiling(3 / maxFmr));
            yield return scores.Impostor.Count >= needed ? fmr : fmr with { Detail = fmr.Detail + RateGate.Inv($"; fewer than {needed} impostor pairs (3 / MaxFmr) cannot show it") };
            yield return RateGate.Check(PromotionGates.Pooled, "fnmr:" + name, RateGate.Inv($"FNMR below {lostAt} {lostBelow:0.000}:"), scores.Genuine.Count(s => s < lostBelow), scores.Genuine.Count, maxFnmr);
        }
    }

    private static (string Name, float Accept, float LostBelow, string LostAt)[] Thresholds(RecognitionOptions r) =>
    [
        (nameof(r.CheckIn), r.CheckIn.Accept, r.CheckIn.Review, nameof(ContextThresholds.Review)),
        (nameof(r.RightPatient), r.RightPatient.Accept, r.RightPatient.Review, nameof(ContextThresholds.Review)),

        // Step-up verification reads Accept only: below it the verification fails.
        (nameof(r.StepUp), r.StepUp.Accept, r.StepUp.Accept, nameof(ContextThresholds.Accept)),
        (nameof(r.Emergency), r.Emergency.Accept, r.Emergency.Review, nameof(ContextThresholds.Review)),
        (nameof(r.Duplicate), r.Duplicate.Accept, r.Duplicate.Review, nameof(ContextThresholds.Review)),
    ];
}
