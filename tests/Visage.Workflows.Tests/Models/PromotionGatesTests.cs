using System.Globalization;
using System.Text.Json;
using Visage.Workflows.Models;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Tests.Models;

/// <summary>
/// The gates read from a report in the form visage eval pairs writes: each bound on each set, each recognition context
/// at its configured thresholds from the report's pooled scores, and what the report cannot tell is "not judged" —
/// failing where the gate is required (a context), passing only where it is not (a subgroup ratio), never a pass by silence.
/// </summary>
public sealed class PromotionGatesTests
{
    /// <summary>A one-set report in the shape visage eval pairs writes (only the parts the gates read); scores as pooled, or none (an older report).</summary>
    private static string Report(int falseNonMatches, int genuine, int falseMatches, int impostor, string ratio, IEnumerable<float>? genuineScores = null, IEnumerable<float>? impostorScores = null) => string.Create(
        CultureInfo.InvariantCulture,
        $$$"""
        {"model":"m@1","threshold":0.4,{{{(genuineScores is null ? string.Empty : $"\"pooled\":{{\"Genuine\":{JsonSerializer.Serialize(genuineScores)},\"Impostor\":{JsonSerializer.Serialize(impostorScores)},\"SharedPairsCountedOnce\":0}},")}}}"sets":[{"Name":"site","Subgroups":{
          "Overall":{"FalseNonMatchRate":{"Errors":{{{falseNonMatches}}},"Trials":{{{genuine}}}},"FalseMatchRate":{"Errors":{{{falseMatches}}},"Trials":{{{impostor}}}}},
          "Ratios":[{{{ratio}}}]}}]}
        """);

    private const string Uncomputable = """{"Attribute":"sex","Ratio":null,"Note":"fewer than two subgroups large enough to judge"}""";

    /// <summary>A well-separated model: 400 genuine pairs from 0.55 to 0.95, 3,000 impostors from −0.1 to 0.25 (half a step off every threshold).</summary>
    private static string GoodScores(Func<float, float>? genuineShift = null, Func<float, float>? impostorShift = null) => Report(
        0, 400, 0, 3000, Uncomputable,
        Enumerable.Range(0, 400).Select(i => (genuineShift ?? (s => s))(0.5505f + (i * 0.001f))),
        Enumerable.Range(0, 3000).Select(i => (impostorShift ?? (s => s))(-0.09995f + (i * 0.0001f))));

    private static GateResult Gate(IReadOnlyList<GateResult> gates, string name) => Assert.Single(gates, g => g.Gate == name);

    [Fact]
    public void Check_WellSeparatedScores_PassesEveryContextAtItsThresholds_AndAnUncomputableRatioIsNotJudged()
    {
        var gates = PromotionGates.Check(GoodScores(), new PromotionGateOptions(), new RecognitionOptions());

        Assert.All(gates, g => Assert.True(g.Passed, $"{g.Gate}: {g.Detail}"));
        foreach (var context in new[] { "CheckIn", "RightPatient", "StepUp", "Emergency", "Duplicate" })
        {
            Assert.True(Gate(gates, "fmr:" + context).Judged);
            Assert.True(Gate(gates, "fnmr:" + context).Judged);
        }

        Assert.Contains("FMR at Accept 0.450: 0/3000", Gate(gates, "fmr:CheckIn").Detail, StringComparison.Ordinal);
        Assert.Contains("FNMR below Review 0.300: 0/400", Gate(gates, "fnmr:CheckIn").Detail, StringComparison.Ordinal);
        Assert.Contains("FNMR below Accept 0.500: 0/400", Gate(gates, "fnmr:StepUp").Detail, StringComparison.Ordinal);
        Assert.False(Gate(gates, "subgroup-ratio:sex").Judged);
    }

    [Fact]
    public void Check_StepUpAcceptSetHigh_FailsStepUpFnmr_AndNoOtherContext()
    {
        var recognition = new RecognitionOptions { StepUp = new ContextThresholds { Accept = 0.80f, Review = 0.80f } };

        var gates = PromotionGates.Check(GoodScores(), new PromotionGateOptions(), recognition);

        // Genuine scores from 0.55 to 0.95: 250 of 400 fall below 0.80 and step-up has no review band to catch them.
        var stepUp = Gate(gates, "fnmr:StepUp");
        Assert.False(stepUp.Passed);
        Assert.True(stepUp.Judged);
        Assert.Contains("FNMR below Accept 0.800: 250/400", stepUp.Detail, StringComparison.Ordinal);
        Assert.Equal(["fnmr:StepUp"], gates.Where(g => !g.Passed).Select(g => g.Gate));
    }

    [Fact]
    public void Check_DegradedModelScores_FailFmrAndFnmrOfTheContexts()
    {
        // What a noisy embedding does: genuine scores sink (a quarter under 0.30) and impostors rise (some over 0.45).
        var report = GoodScores(g => g - 0.35f, i => i + 0.27f);

        var gates = PromotionGates.Check(report, new PromotionGateOptions(), new RecognitionOptions());

        var failing = gates.Where(g => !g.Passed).Select(g => g.Gate).ToHashSet();
        Assert.Superset(new HashSet<string> { "fmr:CheckIn", "fnmr:CheckIn", "fmr:RightPatient", "fnmr:RightPatient", "fmr:Emergency", "fnmr:StepUp", "fnmr:Duplicate", "fnmr", "fmr" }, failing);
        Assert.All(gates.Where(g => !g.Passed), g => Assert.True(g.Judged));
    }

    [Fact]
    public void Check_ContextTargetConfigured_HoldsThatContextToIt()
    {
        var options = new PromotionGateOptions();
        options.Contexts["StepUp"] = new ContextGateTargets { MaxFmr = 0.0001 };

        var gates = PromotionGates.Check(GoodScores(), options, new RecognitionOptions());

        // 0 of 3,000 impostors bounds FMR at 0.13 %, not 0.01 %: the context fails, the others keep the pooled 1 %.
        var stepUp = Gate(gates, "fmr:StepUp");
        Assert.False(stepUp.Passed);
        Assert.Contains("fewer than 30000 impostor pairs", stepUp.Detail, StringComparison.Ordinal);
        Assert.True(Gate(gates, "fmr:CheckIn").Passed);
        Assert.True(Gate(gates, "fnmr:StepUp").Passed);
    }

    [Fact]
    public void Check_ReportWithoutScores_LeavesEveryContextNotJudged_AndFailing()
    {
        var gates = PromotionGates.Check(Report(2, 300, 0, 3000, Uncomputable), new PromotionGateOptions(), new RecognitionOptions());

        var contexts = gates.Where(g => g.Gate.Contains(':', StringComparison.Ordinal) && !g.Gate.StartsWith("subgroup", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, contexts.Count);
        Assert.All(contexts, g =>
        {
            Assert.False(g.Judged);
            Assert.False(g.Passed);
            Assert.StartsWith("not judged: the report carries no scores", g.Detail, StringComparison.Ordinal);
        });

        // The pooled gates still read the per-set counts such a report has.
        Assert.True(Gate(gates, "fnmr").Passed);
    }

    [Fact]
    public void Check_PooledScores_AreWhatThePooledGatesCount()
    {
        // The per-set counts say 0 misses; the pooled distinct scores (what is judged) have 40 genuine pairs under 0.40.
        var report = Report(0, 400, 0, 3000, Uncomputable, Enumerable.Range(0, 400).Select(i => i < 40 ? 0.35f : 0.8f), Enumerable.Repeat(0.1f, 3000));

        var gates = PromotionGates.Check(report, new PromotionGateOptions(), new RecognitionOptions());

        Assert.Contains("FNMR at the report's threshold 0.400: 40/400", Gate(gates, "fnmr").Detail, StringComparison.Ordinal);
        Assert.False(Gate(gates, "fnmr").Passed);
    }

    [Theory]
    [InlineData(12, 300, 0, 3000, 1.5, "fnmr")] // 4 %, but the 95 % upper bound is above 5 %
    [InlineData(1, 300, 20, 3000, 1.5, "fmr")]
    [InlineData(1, 29, 0, 3000, 1.5, "samples")]
    [InlineData(1, 300, 0, 299, 1.5, "samples")] // fewer than 3 / 1 % impostors: no FMR bound could be shown
    [InlineData(1, 300, 0, 3000, 2.5, "subgroup-ratio:skin_tone_band")]
    public void EachBound_FailsItsOwnGate(int falseNonMatches, int genuine, int falseMatches, int impostor, double ratio, string failing)
    {
        var gates = PromotionGates.Check(Report(falseNonMatches, genuine, falseMatches, impostor, string.Create(CultureInfo.InvariantCulture, $$"""{"Attribute":"skin_tone_band","Ratio":{{ratio}}}""")), new PromotionGateOptions(), new RecognitionOptions());

        // Too few pairs also leaves the rate bounds too wide to pass; the samples gate says why.
        Assert.Contains(failing, gates.Where(g => !g.Passed).Select(g => g.Gate));
    }

    [Fact]
    public void ARatioWithNoMissesInTheBestSubgroup_IsUnbounded_AndFails()
    {
        var gates = PromotionGates.Check(Report(1, 300, 0, 3000, """{"Attribute":"sex","Ratio":null,"WorstFnmr":0.0107,"BestFnmr":0,"Note":"no upper limit"}"""), new PromotionGateOptions(), new RecognitionOptions());

        var ratio = Gate(gates, "subgroup-ratio:sex");
        Assert.False(ratio.Passed);
        Assert.True(ratio.Judged);
    }

    [Theory]
    [InlineData(1, 93, 0.0019, 0.0584, 0, 47, 0.0756, true)] // one miss against none (deepface-pivot by sex): within chance
    [InlineData(20, 100, 0.1334, 0.2888, 0, 100, 0.0370, false)] // intervals apart: a real differential
    public void AnUnboundedRatio_FailsOnlyWhenTheSubgroupsIntervalsDoNotOverlap(int worstErrors, int worstTrials, double worstLower, double worstUpper, int bestErrors, int bestTrials, double bestUpper, bool withinChance)
    {
        var report = string.Create(CultureInfo.InvariantCulture, $$$"""
            {"model":"m@1","threshold":0.4,"sets":[{"Name":"site","Subgroups":{
              "Overall":{"FalseNonMatchRate":{"Errors":{{{worstErrors}}},"Trials":{{{worstTrials + bestTrials}}}},"FalseMatchRate":{"Errors":0,"Trials":3000}},
              "Subgroups":[
                {"Attribute":"sex","Value":"female","FalseNonMatchRate":{"Errors":{{{worstErrors}}},"Trials":{{{worstTrials}}},"Lower":{{{worstLower}}},"Upper":{{{worstUpper}}}}},
                {"Attribute":"sex","Value":"male","FalseNonMatchRate":{"Errors":{{{bestErrors}}},"Trials":{{{bestTrials}}},"Lower":0,"Upper":{{{bestUpper}}}}}],
              "Ratios":[{"Attribute":"sex","Worst":"female","Best":"male","WorstFnmr":{{{(double)worstErrors / worstTrials}}},"BestFnmr":0,"Ratio":null}]}}]}
            """);

        var ratio = Gate(PromotionGates.Check(report, new PromotionGateOptions(), new RecognitionOptions()), "subgroup-ratio:sex");

        Assert.Equal((withinChance, !withinChance), (ratio.Passed, ratio.Judged));
        Assert.Contains($"{worstErrors}/{worstTrials} against {bestErrors}/{bestTrials}", ratio.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"m@1","threshold":0.4,"sets":[{"Name":"x"}]}""")]
    [InlineData("""{"model":"m@1","threshold":0.4,"pooled":{"Genuine":[],"Impostor":[0.1],"SharedPairsCountedOnce":0},"sets":[{"Name":"x","Subgroups":{"Overall":{"FalseNonMatchRate":{"Errors":0,"Trials":1},"FalseMatchRate":{"Errors":0,"Trials":1}},"Ratios":[]}}]}""")]
    [InlineData("""{"model":"m@1","threshold":0.4,"sets":[{"Name":"x","Subgroups":{"Overall":{"FalseNonMatchRate":{"Errors":5,"Trials":1},"FalseMatchRate":{"Errors":0,"Trials":1}},"Ratios":[]}}]}""")]
    public void AReportOfAnotherShape_IsAFormatError_NotAPass(string report)
    {
        Assert.Throws<FormatException>(() => PromotionGates.Check(report, new PromotionGateOptions(), new RecognitionOptions()));
    }

    [Fact]
    public void AReportWithoutSets_FailsRatherThanPassingEmpty()
    {
        var gates = PromotionGates.Check("""{"model":"m@1","threshold":0.4,"sets":[]}""", new PromotionGateOptions(), new RecognitionOptions());

        Assert.False(Assert.Single(gates).Passed);
    }
}
