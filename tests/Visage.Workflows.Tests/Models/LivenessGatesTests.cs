using System.Globalization;
using Visage.Workflows.Models;

namespace Visage.Workflows.Tests.Models;

/// <summary>
/// The liveness gates read from a report in the form visage eval liveness writes: APCER per species and BPCER of the
/// combination the deployment uses, by their 95 % upper bounds, a sample too small to bound them failing — as the shared
/// spoof set's six captures do.
/// </summary>
public sealed class LivenessGatesTests
{
    private static readonly Guid ReportId = Guid.NewGuid();

    /// <summary>One combination's ISO/IEC 30107-3 figures as the report writes them; BPCER null where not measured.</summary>
    private static string Figures(string combination, (string Species, int Errors, int Trials)[] apcer, (int Errors, int Trials)? bpcer) => string.Create(
        CultureInfo.InvariantCulture,
        $$"""
        {"Subsystem":"{{combination}} (people's words)","Combination":"{{combination}}",
         "Apcer":[{{string.Join(",", apcer.Select(a => $$"""{"Species":"{{a.Species}}","Rate":{"Errors":{{a.Errors}},"Trials":{{a.Trials}}},"Claim":"-"}"""))}}],
         "Bpcer":{{(bpcer is { } b ? $$"""{"Species":"bona-fide","Rate":{"Errors":{{b.Errors}},"Trials":{{b.Trials}}},"Claim":"-"}""" : "null")}},
         "BpcerNotMeasured":{{(bpcer is null ? "\"not measured from still images\"" : "null")}}}
        """);

    private static string Report(params string[] figures) => $$"""{"model":"faceplugin-liveness@0.0.1","iso30107":[{{string.Join(",", figures)}}]}""";

    /// <summary>The shared spoof set: 2 prints and 1 screen replay refused, 3 bona fide accepted.</summary>
    private static readonly string Shared = Report(
        Figures("passive", [("print", 0, 2), ("screen", 0, 1)], (0, 3)),
        Figures("active", [("print", 0, 2), ("screen", 0, 1)], null),
        Figures("passive+active", [("print", 0, 2), ("screen", 0, 1)], null));

    [Fact]
    public void Check_SharedSpoofSet_FailsEveryRate_AsTooSmallToBound()
    {
        var gates = LivenessGates.Check(ReportId, Shared, new PromotionGateOptions(), activeRequired: false);

        var rates = gates.Where(g => g.Gate is "apcer" or "bpcer").ToList();
        Assert.Equal(["liveness passive: print", "liveness passive: screen", "liveness passive"], rates.Select(g => g.Set));
        Assert.All(rates, g =>
        {
            Assert.False(g.Passed);
            Assert.True(g.Judged);
            Assert.Contains("too few to bound it", g.Detail, StringComparison.Ordinal);
        });
        Assert.Contains("APCER 0/2, 95 % upper bound 65.76 %", rates[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_LargeEnoughSample_PassesAndNamesItsReport()
    {
        var report = Report(Figures("passive", [("print", 1, 80), ("screen", 0, 60)], (1, 120)));

        var gates = LivenessGates.Check(ReportId, report, new PromotionGateOptions(), activeRequired: false);

        Assert.All(gates, g => Assert.True(g.Passed && g.Judged, $"{g.Set} {g.Gate}: {g.Detail}"));
        Assert.Equal(4, gates.Count);
        Assert.Equal(ReportId, Assert.Single(gates, g => g.Gate == LivenessGates.ReportGate).Report);
    }

    [Fact]
    public void Check_LargeSampleOverTheBound_Fails()
    {
        // 6 of 80 prints accepted: 7.5 %, under 10 %, but the 95 % upper bound (15.4 %) is not.
        var report = Report(Figures("passive", [("print", 6, 80)], (0, 120)));

        var gates = LivenessGates.Check(ReportId, report, new PromotionGateOptions(), activeRequired: false);

        Assert.False(Assert.Single(gates, g => g.Gate == "apcer").Passed);
        Assert.True(Assert.Single(gates, g => g.Gate == "bpcer").Passed);
    }

    [Fact]
    public void Check_ActiveLivenessRequired_JudgesBothTogether_AndTheirUnmeasuredBpcerFails()
    {
        var report = Report(
            Figures("passive", [("print", 0, 80)], (0, 120)),
            Figures("passive+active", [("print", 0, 80)], null));

        var gates = LivenessGates.Check(ReportId, report, new PromotionGateOptions(), activeRequired: true);

        Assert.True(Assert.Single(gates, g => g.Gate == "apcer").Passed);
        var bpcer = Assert.Single(gates, g => g.Gate == "bpcer");
        Assert.Equal("liveness passive+active", bpcer.Set);
        Assert.False(bpcer.Passed);
        Assert.False(bpcer.Judged);
        Assert.Equal("not judged: not measured from still images", bpcer.Detail);
    }

    [Fact]
    public void Check_ReportWithoutCombinations_IsNotJudged_AndFails()
    {
        var report = """{"model":"faceplugin-liveness@0.0.1","iso30107":[{"Subsystem":"passive","Apcer":[],"Bpcer":null}]}""";

        var gates = LivenessGates.Check(ReportId, report, new PromotionGateOptions(), activeRequired: false);

        Assert.All(gates.Where(g => g.Gate != LivenessGates.ReportGate), g => Assert.False(g.Passed || g.Judged));
    }

    [Fact]
    public void Absent_FailsUnlessLivenessIsNotRequired()
    {
        var required = Assert.Single(LivenessGates.Absent(new PromotionGateOptions()));
        var optional = Assert.Single(LivenessGates.Absent(new PromotionGateOptions { RequireLiveness = false }));

        Assert.False(required.Passed);
        Assert.StartsWith("no liveness report", required.Detail, StringComparison.Ordinal);
        Assert.True(optional.Passed);
        Assert.False(optional.Judged);
    }

    [Fact]
    public void Check_NotAReportOfThisShape_IsAFormatError()
    {
        Assert.Throws<FormatException>(() => LivenessGates.Check(ReportId, """{"model":"m","samples":[]}""", new PromotionGateOptions(), activeRequired: false));
    }
}
