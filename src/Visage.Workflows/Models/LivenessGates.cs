using System.Text.Json;
using Visage.Face;

namespace Visage.Workflows.Models;

/// <summary>
/// The liveness gates, read from a report as <c>visage eval liveness</c> writes it (ISO/IEC 30107-3 figures per
/// combination), for the combination the deployment uses: passive and active when
/// <c>Recognition:RequireActiveLiveness</c> is on, else passive. APCER per attack species and BPCER, each held to its
/// bound by the 95 % Wilson upper bound and each from at least <see cref="PresentationAttackMetrics.MinPresentations"/>
/// presentations: a sample too small to bound a rate fails. A figure the report does not have (the active challenge's
/// BPCER cannot be measured from stills) is not judged, and fails too. The gates' set names carry the attack species,
/// a site's own words; the gate codes the audit log records do not.
/// </summary>
internal static class LivenessGates
{
    public const string Set = "liveness";

    /// <summary>The row that names the liveness report the gates read (its id is kept with the decision).</summary>
    public const string ReportGate = "liveness-report";

    /// <summary>No liveness report given: a failed gate, unless the deployment does without liveness.</summary>
    public static IReadOnlyList<GateResult> Absent(PromotionGateOptions options) =>
    [
        options.RequireLiveness
            ? new GateResult(Set, ReportGate, false, true, "no liveness report (--liveness-report, a stored report from visage eval liveness; Models:Gates:RequireLiveness=false where no liveness is used)")
            : new GateResult(Set, ReportGate, true, false, "not required (Models:Gates:RequireLiveness=false)"),
    ];

    /// <summary>The gates; <see cref="FormatException"/> when the report is not one <c>visage eval liveness</c> wrote.</summary>
    public static IReadOnlyList<GateResult> Check(Guid reportId, string report, PromotionGateOptions options, bool activeRequired)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return CheckParsed(reportId, report, options, activeRequired);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            throw new FormatException("The liveness report does not have the shape visage eval liveness writes (iso30107 figures per combination).", ex);
        }
    }

    private static List<GateResult> CheckParsed(Guid reportId, string report, PromotionGateOptions options, bool activeRequired)
    {
        using var document = JsonDocument.Parse(report);
        var combination = activeRequired ? PresentationAttackMetrics.PassiveAndActive : PresentationAttackMetrics.Passive;
        var set = $"{Set} {combination}";
        List<GateResult> gates =
        [
            new(Set, ReportGate, true, true, $"report of {document.RootElement.GetProperty("model").GetString()}; judged: {combination} ({(activeRequired ? "Recognition:RequireActiveLiveness on" : "Recognition:RequireActiveLiveness off")})", reportId),
        ];
        var figures = document.RootElement.GetProperty("iso30107").EnumerateArray()
            .FirstOrDefault(f => f.TryGetProperty(nameof(PresentationAttackReport.Combination), out var c) && c.ValueKind == JsonValueKind.String && c.GetString() == combination);
        if (figures.ValueKind != JsonValueKind.Object)
        {
            const string NotThere = "not judged: the report has no figures for this combination (written before reports named them); regenerate it with visage eval liveness";
            gates.Add(new GateResult(set, "apcer", false, false, NotThere));
            gates.Add(new GateResult(set, "bpcer", false, false, NotThere));
            return gates;
        }

        var apcer = figures.GetProperty(nameof(PresentationAttackReport.Apcer)).EnumerateArray().ToList();
        if (apcer.Count == 0)
        {
            gates.Add(new GateResult(set, "apcer", false, false, "not judged: the report has no attack presentations"));
        }

        gates.AddRange(apcer.Select(a => Rate($"{set}: {a.GetProperty("Species").GetString()}", "apcer", "APCER", a.GetProperty("Rate"), options.MaxApcer)));
        gates.Add(figures.GetProperty(nameof(PresentationAttackReport.Bpcer)) is { ValueKind: JsonValueKind.Object } bpcer
            ? Rate(set, "bpcer", "BPCER", bpcer.GetProperty("Rate"), options.MaxBpcer)
            : new GateResult(set, "bpcer", false, false, "not judged: " + (figures.TryGetProperty(nameof(PresentationAttackReport.BpcerNotMeasured), out var why) ? why.GetString() : "not measured")));
        return gates;
    }

    private static GateResult Rate(string set, string gate, string measure, JsonElement rate, double max)
    {
        var (errors, trials) = (rate.GetProperty("Errors").GetInt32(), rate.GetProperty("Trials").GetInt32());
        var result = RateGate.Check(set, gate, measure, errors, trials, max);
        return trials >= PresentationAttackMetrics.MinPresentations
            ? result
            : result with { Passed = false, Detail = RateGate.Inv($"{result.Detail}; {trials} presentations are too few to bound it (at least {PresentationAttackMetrics.MinPresentations})") };
    }
}
