using System.Text.Json;
using Visage.Face;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Models;

/// <summary>
/// One gate's outcome. <see cref="Judged"/> false when the report could not tell: such a gate passes only where it is
/// not required (a subgroup ratio the report could not compute), and fails where it is (never a pass by silence).
/// <see cref="Report"/> names the report a gate row was read from when it is not the decision's pairs report.
/// </summary>
public sealed record GateResult(string Set, string Gate, bool Passed, bool Judged, string Detail, Guid? Report = null);

/// <summary>
/// The promotion gates, read from an evaluation report as <c>visage eval pairs</c> writes it. Over all its sets pooled
/// (every distinct pair once, from the scores the report carries; an older report's per-set counts are summed):
/// enough pairs (impostors at least 3/MaxFmr, so the FMR bound can be shown at all), and the 95 % Wilson upper bounds of
/// FNMR and FMR at the report's threshold within bounds — a point estimate on a small set proves nothing. Per
/// recognition context, FMR and FNMR at its configured thresholds (<see cref="ContextGates"/>). Per set, every
/// worst-to-best subgroup FNMR ratio within bound; one whose best subgroup had no misses while another had some is
/// unbounded and fails; one the report could not compute (subgroups too small) is listed as not judged.
/// </summary>
public static class PromotionGates
{
    public const string Pooled = "all sets";

    /// <summary>The gates; <see cref="FormatException"/> when the report is not one <c>visage eval pairs</c> wrote.</summary>
    public static IReadOnlyList<GateResult> Check(string report, PromotionGateOptions options, RecognitionOptions recognition)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(recognition);
        try
        {
            return CheckParsed(report, options, recognition);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            throw new FormatException("The report does not have the shape visage eval pairs writes (sets with their overall counts).", ex);
        }
    }

    private static List<GateResult> CheckParsed(string report, PromotionGateOptions options, RecognitionOptions recognition)
    {
        using var document = JsonDocument.Parse(report);
        var sets = document.RootElement.GetProperty("sets");
        if (sets.GetArrayLength() == 0)
        {
            return [new GateResult(Pooled, "sets", false, true, "the report evaluates no pair set")];
        }

        int genuine = 0, impostor = 0, falseNonMatches = 0, falseMatches = 0;
        var ratios = new List<GateResult>();
        foreach (var set in sets.EnumerateArray())
        {
            var name = set.GetProperty("Name").GetString() ?? "?";
            var overall = set.GetProperty("Subgroups").GetProperty("Overall");
            genuine += overall.GetProperty("FalseNonMatchRate").GetProperty("Trials").GetInt32();
            falseNonMatches += overall.GetProperty("FalseNonMatchRate").GetProperty("Errors").GetInt32();
            impostor += overall.GetProperty("FalseMatchRate").GetProperty("Trials").GetInt32();
            falseMatches += overall.GetProperty("FalseMatchRate").GetProperty("Errors").GetInt32();
            foreach (var ratio in set.GetProperty("Subgroups").GetProperty("Ratios").EnumerateArray())
            {
                ratios.Add(RatioGate(name, ratio, set.GetProperty("Subgroups"), options));
            }
        }

        var threshold = document.RootElement.GetProperty("threshold").GetSingle();
        var scores = ScoresOf(document.RootElement);
        if (scores is not null)
        {
            (genuine, impostor) = (scores.Genuine.Count, scores.Impostor.Count);
            (falseNonMatches, falseMatches) = (scores.Genuine.Count(s => s < threshold), scores.Impostor.Count(s => s >= threshold));
        }

        var minImpostors = Math.Max(options.MinImpostorPairs, (int)Math.Ceiling(3 / options.MaxFmr));
        List<GateResult> gates =
        [
            new(Pooled, "samples", genuine >= options.MinGenuinePairs && impostor >= minImpostors, true, RateGate.Inv($"{genuine} genuine / {impostor} impostor pairs (at least {options.MinGenuinePairs} / {minImpostors})")),
            RateGate.Check(Pooled, "fnmr", RateGate.Inv($"FNMR at the report's threshold {threshold:0.000}:"), falseNonMatches, genuine, options.MaxFnmr),
            RateGate.Check(Pooled, "fmr", RateGate.Inv($"FMR at the report's threshold {threshold:0.000}:"), falseMatches, impostor, options.MaxFmr),
        ];
        gates.AddRange(ContextGates.Check(scores, options, recognition));
        gates.AddRange(ratios);
        return gates;
    }

    /// <summary>The pooled scores <c>visage eval pairs</c> writes (<c>pooled</c>), or null in a report from before it did.</summary>
    private static PooledScores? ScoresOf(JsonElement report)
    {
        if (!report.TryGetProperty("pooled", out var pooled) || pooled.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        List<float> Read(string name) => [.. pooled.GetProperty(name).EnumerateArray().Select(s => s.GetSingle())];
        var scores = new PooledScores(Read(nameof(PooledScores.Genuine)), Read(nameof(PooledScores.Impostor)), pooled.GetProperty(nameof(PooledScores.SharedPairsCountedOnce)).GetInt32());
        return scores.Genuine.Count > 0 && scores.Impostor.Count > 0 ? scores : throw new FormatException("The report's pooled scores have no genuine or no impostor pair.");
    }

    private static GateResult RatioGate(string set, JsonElement ratio, JsonElement subgroups, PromotionGateOptions options)
    {
        var gate = "subgroup-ratio:" + ratio.GetProperty("Attribute").GetString();
        if (ratio.GetProperty("Ratio") is { ValueKind: JsonValueKind.Number } value)
        {
            return new GateResult(set, gate, value.GetDouble() <= options.MaxSubgroupFnmrRatio, true, RateGate.Inv($"worst-to-best FNMR {value.GetDouble():0.00} (at most {options.MaxSubgroupFnmrRatio:0.00})"));
        }

        // The best subgroup missed no one while the worst missed some: the ratio is unbounded. That fails when the two
        // rates' 95 % intervals do not overlap; one miss against none on small groups is within chance: not judged.
        if (ratio.TryGetProperty("WorstFnmr", out var worst) && worst.ValueKind == JsonValueKind.Number && worst.GetDouble() > 0
            && ratio.TryGetProperty("BestFnmr", out var best) && best.ValueKind == JsonValueKind.Number && best.GetDouble() == 0)
        {
            var worstRate = FnmrOf(subgroups, ratio, "Worst");
            var bestRate = FnmrOf(subgroups, ratio, "Best");
            var counts = worstRate is { } w && bestRate is { } b ? RateGate.Inv($" ({w.Errors}/{w.Trials} against {b.Errors}/{b.Trials})") : string.Empty;
            if (worstRate is { } low && bestRate is { } high && low.Lower <= high.Upper)
            {
                return new GateResult(set, gate, true, false, RateGate.Inv($"not judged: the best subgroup missed no one{counts}, but the 95 % intervals overlap: too few misses to tell a differential"));
            }

            return new GateResult(set, gate, false, true, RateGate.Inv($"worst-to-best FNMR unbounded ({worst.GetDouble():P2} against 0 %){counts}"));
        }

        return new GateResult(set, gate, true, false, "not judged: " + (ratio.TryGetProperty("Note", out var note) ? note.GetString() : "no ratio"));
    }

    /// <summary>The FNMR interval of the ratio's worst or best subgroup, from the set's subgroup list; null when the report lacks it.</summary>
    private static (int Errors, int Trials, double Lower, double Upper)? FnmrOf(JsonElement subgroups, JsonElement ratio, string which)
    {
        if (!subgroups.TryGetProperty("Subgroups", out var list) || ratio.GetProperty(which).GetString() is not { } value)
        {
            return null;
        }

        var attribute = ratio.GetProperty("Attribute").GetString();
        foreach (var group in list.EnumerateArray())
        {
            if (group.GetProperty("Attribute").GetString() == attribute && group.GetProperty("Value").GetString() == value)
            {
                var rate = group.GetProperty("FalseNonMatchRate");
                return (rate.GetProperty("Errors").GetInt32(), rate.GetProperty("Trials").GetInt32(), rate.GetProperty("Lower").GetDouble(), rate.GetProperty("Upper").GetDouble());
            }
        }

        return null;
    }
}
