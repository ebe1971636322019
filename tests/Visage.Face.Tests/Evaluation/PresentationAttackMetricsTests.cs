namespace Visage.Face.Tests.Evaluation;

public sealed class PresentationAttackMetricsTests
{
    [Fact]
    public void Compute_CountsAttacksAcceptedPerSpeciesAndBonaFideRefused()
    {
        // print: 1 of 3 accepted; screen: 2 of 2 accepted; bona fide: 1 of 4 refused.
        PresentationOutcome[] outcomes =
        [
            new("print", true), new("print", false), new("print", false),
            new("screen", true), new("screen", true),
            new(PresentationAttackMetrics.BonaFide, true), new(PresentationAttackMetrics.BonaFide, true),
            new(PresentationAttackMetrics.BonaFide, false), new(PresentationAttackMetrics.BonaFide, true),
        ];

        var report = PresentationAttackMetrics.Compute("passive", outcomes);

        Assert.Equal(["print", "screen"], report.Apcer.Select(a => a.Species));
        Assert.Equal((1, 3), (report.Apcer[0].Rate.Errors, report.Apcer[0].Rate.Trials));
        Assert.Equal((2, 2), (report.Apcer[1].Rate.Errors, report.Apcer[1].Rate.Trials));
        Assert.Equal("screen", report.WorstApcer!.Species);
        Assert.Equal((1, 4), (report.Bpcer!.Rate.Errors, report.Bpcer.Rate.Trials));
        Assert.Equal("4 presentations: no rate can be claimed", report.Bpcer.Claim);
    }

    [Fact]
    public void Compute_BonaFideCannotBeEvaluated_SaysWhyInsteadOfARate()
    {
        var report = PresentationAttackMetrics.Compute("active", [new("print", false)], "not from stills");

        Assert.Null(report.Bpcer);
        Assert.Equal("not from stills", report.BpcerNotMeasured);
        Assert.Equal("1 presentation: no rate can be claimed", report.Apcer[0].Claim);
    }

    [Fact]
    public void Claim_ThirtyPresentations_GivesTheRateAndInterval() =>
        Assert.Equal("0 of 30: 0.0 %, 95 % interval 0.0 %–11.4 %", PresentationAttackMetrics.Claim(RateEstimate.Wilson(0, 30)));
}
