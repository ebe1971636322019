using System.ComponentModel.DataAnnotations;

namespace Visage.Workflows.Models;

/// <summary>What a model must show in its evaluation reports before it may be promoted (section <c>Models:Gates</c>).</summary>
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

    /// <summary>
    /// Targets per recognition context (<c>Contexts:&lt;CheckIn|RightPatient|StepUp|Emergency|Duplicate&gt;:MaxFmr</c> and
    /// <c>MaxFnmr</c>); a context or rate not set here is held to <see cref="MaxFmr"/> and <see cref="MaxFnmr"/>.
    /// </summary>
    public Dictionary<string, ContextGateTargets> Contexts { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Highest APCER per attack species (95 % upper bound) of the liveness the deployment uses.</summary>
    [Range(0.0, 1.0)]
    public double MaxApcer { get; set; } = 0.10;

    /// <summary>Highest BPCER (95 % upper bound) of the liveness the deployment uses.</summary>
    [Range(0.0, 1.0)]
    public double MaxBpcer { get; set; } = 0.05;

    /// <summary>Whether promotion needs a liveness report (off only where a deployment uses no liveness at all).</summary>
    public bool RequireLiveness { get; set; } = true;

    /// <summary>The targets <paramref name="context"/> is held to: its own where set, else the pooled ones.</summary>
    public (double MaxFmr, double MaxFnmr) TargetsFor(string context) =>
        Contexts.TryGetValue(context, out var own) ? (own.MaxFmr ?? MaxFmr, own.MaxFnmr ?? MaxFnmr) : (MaxFmr, MaxFnmr);
}

/// <summary>One recognition context's own targets; null takes the pooled one.</summary>
public sealed class ContextGateTargets
{
    public double? MaxFmr { get; set; }

    public double? MaxFnmr { get; set; }
}
