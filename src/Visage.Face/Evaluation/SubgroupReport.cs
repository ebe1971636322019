using System.Text.Json.Serialization;

namespace Visage.Face;

[JsonConverter(typeof(JsonStringEnumConverter<SubgroupVerdict>))]
public enum SubgroupVerdict
{
    /// <summary>Under a minimum sample size: never read as a pass.</summary>
    TooSmallToJudge,

    /// <summary>Both 95 % intervals lie within the targets.</summary>
    MeetsTargets,

    /// <summary>A 95 % interval lies wholly outside a target.</summary>
    MissesTargets,

    /// <summary>An interval spans a target: more pairs are needed to tell.</summary>
    Inconclusive,
}

/// <summary>The figures of one subgroup (or of the whole set, attribute <c>all</c>).</summary>
public sealed record SubgroupMetrics(
    string Attribute,
    string Value,
    int GenuinePairs,
    int ImpostorPairs,
    int Identities,
    RateEstimate FalseMatchRate,
    RateEstimate FalseNonMatchRate,
    IReadOnlyList<FixedFmrEstimate> FnmrAtFixedFmr,
    SubgroupVerdict Verdict,
    string VerdictReason)
{
    public bool Judgeable => Verdict != SubgroupVerdict.TooSmallToJudge;

    /// <summary>The scores behind the figures, for plots; not written to the report.</summary>
    [JsonIgnore]
    public IReadOnlyList<float> GenuineScores { get; init; } = [];

    [JsonIgnore]
    public IReadOnlyList<float> ImpostorScores { get; init; } = [];
}

/// <summary>The worst and best FNMR at the threshold among one attribute's judgeable subgroups.</summary>
public sealed record FnmrRatio(string Attribute, string? Worst, string? Best, double? WorstFnmr, double? BestFnmr, double? Ratio, string? Note);

/// <summary>Overall and per-subgroup verification figures of one pair set, with sample sizes and intervals.</summary>
public sealed record SubgroupReport(
    string Set,
    string Model,
    float Threshold,
    SubgroupOptions Options,
    SubgroupMetrics Overall,
    IReadOnlyList<SubgroupMetrics> Subgroups,
    IReadOnlyList<FnmrRatio> Ratios,
    int LabelledImages,
    int UnlabelledImages,
    int LabelConflicts);
