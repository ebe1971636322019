using Visage.Workflows.Models;

namespace Visage.Workflows.Tests.Models;

/// <summary>The gates read from a report in the form visage eval pairs writes: each bound on each set, and a ratio the report could not compute is "not judged", never a pass by silence.</summary>
public sealed class PromotionGatesTests
{
    /// <summary>A one-set report in the shape visage eval pairs writes (only the parts the gates read).</summary>
    private static string Report(int falseNonMatches, int genuine, int falseMatches, int impostor, string ratio) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $$$"""
        {"model":"m@1","sets":[{"Name":"site","Subgroups":{
          "Overall":{"FalseNonMatchRate":{"Errors":{{{falseNonMatches}}},"Trials":{{{genuine}}}},"FalseMatchRate":{"Errors":{{{falseMatches}}},"Trials":{{{impostor}}}}},
          "Ratios":[{{{ratio}}}]}}]}
        """);

    [Fact]
    public void AGoodSet_PassesEveryJudgedGate_AndAnUncomputableRatioIsNotJudged()
    {
        var gates = PromotionGates.Check(Report(2, 300, 0, 3000, """{"Attribute":"sex","Ratio":null,"Note":"fewer than two subgroups large enough to judge"}"""), new PromotionGateOptions());

        Assert.All(gates, g => Assert.True(g.Passed, g.Detail));
        var ratio = Assert.Single(gates, g => g.Gate == "subgroup-ratio:sex");
        Assert.False(ratio.Judged);
    }

    [Theory]
    [InlineData(12, 300, 0, 3000, 1.5, "fnmr")] // 4 %, but the 95 % upper bound is above 5 %
    [InlineData(1, 300, 20, 3000, 1.5, "fmr")]
    [InlineData(1, 29, 0, 3000, 1.5, "samples")]
    [InlineData(1, 300, 0, 299, 1.5, "samples")] // fewer than 3 / 1 % impostors: no FMR bound could be shown
    [InlineData(1, 300, 0, 3000, 2.5, "subgroup-ratio:skin_tone_band")]
    public void EachBound_FailsItsOwnGate(int falseNonMatches, int genuine, int falseMatches, int impostor, double ratio, string failing)
    {
        var gates = PromotionGates.Check(Report(falseNonMatches, genuine, falseMatches, impostor, string.Create(System.Globalization.CultureInfo.InvariantCulture, $$"""{"Attribute":"skin_tone_band","Ratio":{{ratio}}}""")), new PromotionGateOptions());

        // Too few pairs also leaves the rate bounds too wide to pass; the samples gate says why.
        Assert.Contains(failing, gates.Where(g => !g.Passed).Select(g => g.Gate));
    }

    [Fact]
    public void ARatioWithNoMissesInTheBestSubgroup_IsUnbounded_AndFails()
    {
        var gates = PromotionGates.Check(Report(1, 300, 0, 3000, """{"Attribute":"sex","Ratio":null,"WorstFnmr":0.0107,"BestFnmr":0,"Note":"no upper limit"}"""), new PromotionGateOptions());

        var ratio = Assert.Single(gates, g => g.Gate == "subgroup-ratio:sex");
        Assert.False(ratio.Passed);
        Assert.True(ratio.Judged);
    }

    [Fact]
    public void AReportOfAnotherShape_IsAFormatError_NotAPass()
    {
        Assert.Throws<FormatException>(() => PromotionGates.Check("""{"model":"m@1","sets":[{"Name":"x"}]}""", new PromotionGateOptions()));
    }

    [Fact]
    public void AReportWithoutSets_FailsRatherThanPassingEmpty()
    {
        var gates = PromotionGates.Check("""{"model":"m@1","sets":[]}""", new PromotionGateOptions());

        Assert.False(Assert.Single(gates).Passed);
    }
}
