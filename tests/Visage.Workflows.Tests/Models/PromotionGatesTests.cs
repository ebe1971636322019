using Visage.Workflows.Models;

namespace Visage.Workflows.Tests.Models;

/// <summary>The gates read from a report in the form visage eval pairs writes: each bound on each set, and a ratio the report could not compute is "not judged", never a pass by silence.</summary>
public sealed class PromotionGatesTests
{
    private static string Report(double fnmr, double fmr, int genuine, int impostor, string ratio) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $$$"""
        {"model":"m@1","sets":[{"Name":"site","Genuine":{{{genuine}}},"Impostor":{{{impostor}}},"FalseNonMatchRate":{{{fnmr}}},"FalseMatchRate":{{{fmr}}},
          "Subgroups":{"Ratios":[{{{ratio}}}]}}]}
        """);

    [Fact]
    public void AGoodSet_PassesEveryJudgedGate_AndAnUncomputableRatioIsNotJudged()
    {
        var gates = PromotionGates.Check(Report(0.02, 0.0, 300, 3000, """{"Attribute":"sex","Ratio":null,"Note":"fewer than two subgroups large enough to judge"}"""), new PromotionGateOptions());

        Assert.All(gates, g => Assert.True(g.Passed, g.Detail));
        var ratio = Assert.Single(gates, g => g.Gate == "subgroup-ratio:sex");
        Assert.False(ratio.Judged);
    }

    [Theory]
    [InlineData(0.06, 0.0, 300, 3000, 1.5, "fnmr")]
    [InlineData(0.01, 0.02, 300, 3000, 1.5, "fmr")]
    [InlineData(0.01, 0.0, 29, 3000, 1.5, "samples")]
    [InlineData(0.01, 0.0, 300, 99, 1.5, "samples")]
    [InlineData(0.01, 0.0, 300, 3000, 2.5, "subgroup-ratio:skin_tone_band")]
    public void EachBound_FailsItsOwnGate(double fnmr, double fmr, int genuine, int impostor, double ratio, string failing)
    {
        var gates = PromotionGates.Check(Report(fnmr, fmr, genuine, impostor, string.Create(System.Globalization.CultureInfo.InvariantCulture, $$"""{"Attribute":"skin_tone_band","Ratio":{{ratio}}}""")), new PromotionGateOptions());

        Assert.Equal([failing], gates.Where(g => !g.Passed).Select(g => g.Gate));
    }

    [Fact]
    public void AReportWithoutSets_FailsRatherThanPassingEmpty()
    {
        var gates = PromotionGates.Check("""{"model":"m@1","sets":[]}""", new PromotionGateOptions());

        Assert.False(Assert.Single(gates).Passed);
    }
}
