using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;

namespace Visage.Workflows.Models;

/// <summary>What a model must show in its evaluation report before it may be promoted (section <c>Models:Gates</c>).</summary>
public sealed class PromotionGateOptions
{
    /// <summary>Highest overall false non-match rate at the threshold, per evaluated set.</summary>
    [Range(0.0, 1.0)]
    public double MaxFnmr { get; set; } = 0.05;

    /// <summary>Highest overall false match rate at the threshold, per evaluated set.</summary>
    [Range(0.0, 1.0)]
    public double MaxFmr { get; set; } = 0.01;

    /// <summary>Fewest genuine pairs a set must have for its figures to count.</summary>
    [Range(1, 10_000_000)]
    public int MinGenuinePairs { get; set; } = 30;

    /// <summary>Fewest impostor pairs a set must have for its figures to count.</summary>
    [Range(1, 10_000_000)]
    public int MinImpostorPairs { get; set; } = 100;

    /// <summary>Highest worst-to-best subgroup FNMR ratio, wherever the report could compute one.</summary>
    [Range(1.0, 1000.0)]
    public double MaxSubgroupFnmrRatio { get; set; } = 2.0;
}

/// <summary>One gate's outcome; <see cref="Judged"/> false when the report could not tell (never a pass by silence).</summary>
public sealed record GateResult(string Set, string Gate, bool Passed, bool Judged, string Detail);

/// <summary>
/// The promotion gates, read from an evaluation report as <c>visage eval pairs</c> writes it. Over all its sets pooled:
/// enough pairs (impostors at least 3/MaxFmr, so the FMR bound can be shown at all), and the 95 % Wilson upper bounds of
/// FNMR and FMR at the threshold within bounds — a point estimate on a small set proves nothing. Per set, every
/// worst-to-best subgroup FNMR ratio within bound; one whose best subgroup had no misses while another had some is
/// unbounded and fails; one the report could not compute (subgroups too small) is listed as not judged.
/// </summary>
public static class PromotionGates
{
    public const string Pooled = "all sets";

    /// <summary>The gates; <see cref="FormatException"/> when the report is not one <c>visage eval pairs</c> wrote.</summary>
    public static IReadOnlyList<GateResult> Check(string report, PromotionGateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return CheckParsed(report, options);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException("The report does not have the shape visage eval pairs writes (sets with their overall counts).", ex);
        }
    }

    private static List<GateResult> CheckParsed(string report, PromotionGateOptions options)
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
                ratios.Add(RatioGate(name, ratio, options));
            }
        }

        var minImpostors = Math.Max(options.MinImpostorPairs, (int)Math.Ceiling(3 / options.MaxFmr));
        var fnmr = Upper(falseNonMatches, genuine);
        var fmr = Upper(falseMatches, impostor);
        List<GateResult> gates =
        [
            new(Pooled, "samples", genuine >= options.MinGenuinePairs && impostor >= minImpostors, true, Inv($"{genuine} genuine / {impostor} impostor pairs (at least {options.MinGenuinePairs} / {minImpostors})")),
            new(Pooled, "fnmr", fnmr <= options.MaxFnmr, true, Inv($"FNMR {falseNonMatches}/{genuine}, 95 % upper bound {fnmr:P2} (at most {options.MaxFnmr:P2})")),
            new(Pooled, "fmr", fmr <= options.MaxFmr, true, Inv($"FMR {falseMatches}/{impostor}, 95 % upper bound {fmr:P2} (at most {options.MaxFmr:P2})")),
        ];
        gates.AddRange(ratios);
        return gates;
    }

    private static GateResult RatioGate(string set, JsonElement ratio, PromotionGateOptions options)
    {
        var gate = "subgroup-ratio:" + ratio.GetProperty("Attribute").GetString();
        if (ratio.GetProperty("Ratio") is { ValueKind: JsonValueKind.Number } value)
        {
            return new GateResult(set, gate, value.GetDouble() <= options.MaxSubgroupFnmrRatio, true, Inv($"worst-to-best FNMR {value.GetDouble():0.00} (at most {options.MaxSubgroupFnmrRatio:0.00})"));
        }

        // The best subgroup missed no one while the worst missed some: the ratio is unbounded, which fails.
        if (ratio.TryGetProperty("WorstFnmr", out var worst) && worst.ValueKind == JsonValueKind.Number && worst.GetDouble() > 0
            && ratio.TryGetProperty("BestFnmr", out var best) && best.ValueKind == JsonValueKind.Number && best.GetDouble() == 0)
        {
            return new GateResult(set, gate, false, true, Inv($"worst-to-best FNMR unbounded ({worst.GetDouble():P2} against 0 %)"));
        }

        return new GateResult(set, gate, true, false, "not judged: " + (ratio.TryGetProperty("Note", out var note) ? note.GetString() : "no ratio"));
    }

    private static double Upper(int errors, int trials) => trials == 0 ? 1.0 : Visage.Face.RateEstimate.Wilson(errors, trials).Upper ?? 1.0;

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
