using System.ComponentModel.DataAnnotations;

namespace Visage.Face;

/// <summary>
/// When a subgroup is large enough to judge, the targets it is judged against, and the bootstrap's size and seed.
/// The targets are provisional until the model registry's gates (issue 15, item 5) own them.
/// </summary>
public sealed class SubgroupOptions
{
    /// <summary>Below this many genuine pairs a subgroup is too small to judge.</summary>
    [Range(1, int.MaxValue)]
    public int MinGenuinePairs { get; set; } = 30;

    /// <summary>Below this many impostor pairs a subgroup is too small to judge.</summary>
    [Range(1, int.MaxValue)]
    public int MinImpostorPairs { get; set; } = 30;

    /// <summary>Below this many distinct people a subgroup is too small to judge: its pairs are not independent.</summary>
    [Range(1, int.MaxValue)]
    public int MinIdentities { get; set; } = 5;

    /// <summary>Target FNMR at the configured threshold.</summary>
    [Range(0.0, 1.0)]
    public double MaxFalseNonMatchRate { get; set; } = 0.05;

    /// <summary>Target FMR at the configured threshold (NIST SP 800-63B's 1 in 1000).</summary>
    [Range(0.0, 1.0)]
    public double MaxFalseMatchRate { get; set; } = 1e-3;

    [Range(0, 100_000)]
    public int BootstrapReplicates { get; set; } = 1000;

    /// <summary>Fixed so that a report can be regenerated figure for figure.</summary>
    public int Seed { get; set; } = 15;

    public IReadOnlyList<double> FixedFalseMatchRates { get; set; } = [1e-2, 1e-3];
}
