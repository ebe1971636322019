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

/// <summary>One gate's outcome on one evaluated set; <see cref="Judged"/> false when the report could not tell (never a pass by silence).</summary>
public sealed record GateResult(string Set, string Gate, bool Passed, bool Judged, string Detail);

/// <summary>
/// The promotion gates, read from an evaluation report as <c>visage eval pairs</c> writes it: per set, enough pairs,
/// overall FNMR and FMR at the threshold within bounds, and every worst-to-best subgroup FNMR ratio the report could
/// compute within bound. A ratio the report could not compute (subgroups too small to judge) is listed as not judged.
/// </summary>
public static class PromotionGates
{
    public static IReadOnlyList<GateResult> Check(string report, PromotionGateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var document = JsonDocument.Parse(report);
        var results = new List<GateResult>();
        if (!document.RootElement.TryGetProperty("sets", out var sets) || sets.ValueKind != JsonValueKind.Array || sets.GetArrayLength() == 0)
        {
            results.Add(new GateResult("-", "sets", false, true, "the report evaluates no pair set"));
            return results;
        }

        foreach (var set in sets.EnumerateArray())
        {
            var name = set.TryGetProperty("Name", out var n) ? n.GetString() ?? "?" : "?";
            var genuine = set.GetProperty("Genuine").GetInt32();
            var impostor = set.GetProperty("Impostor").GetInt32();
            var fnmr = set.GetProperty("FalseNonMatchRate").GetDouble();
            var fmr = set.GetProperty("FalseMatchRate").GetDouble();
            results.Add(new GateResult(name, "samples", genuine >= options.MinGenuinePairs && impostor >= options.MinImpostorPairs, true, Inv($"{genuine} genuine / {impostor} impostor pairs (at least {options.MinGenuinePairs} / {options.MinImpostorPairs})")));
            results.Add(new GateResult(name, "fnmr", fnmr <= options.MaxFnmr, true, Inv($"FNMR {fnmr:P2} (at most {options.MaxFnmr:P2})")));
            results.Add(new GateResult(name, "fmr", fmr <= options.MaxFmr, true, Inv($"FMR {fmr:P2} (at most {options.MaxFmr:P2})")));
            if (set.TryGetProperty("Subgroups", out var subgroups) && subgroups.TryGetProperty("Ratios", out var ratios))
            {
                foreach (var ratio in ratios.EnumerateArray())
                {
                    var attribute = ratio.GetProperty("Attribute").GetString() ?? "?";
                    results.Add(ratio.GetProperty("Ratio") is { ValueKind: JsonValueKind.Number } value
                        ? new GateResult(name, $"subgroup-ratio:{attribute}", value.GetDouble() <= options.MaxSubgroupFnmrRatio, true, Inv($"worst-to-best FNMR {value.GetDouble():0.00} (at most {options.MaxSubgroupFnmrRatio:0.00})"))
                        : new GateResult(name, $"subgroup-ratio:{attribute}", true, false, "not judged: " + (ratio.TryGetProperty("Note", out var note) ? note.GetString() : "no ratio")));
                }
            }
        }

        return results;
    }

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
