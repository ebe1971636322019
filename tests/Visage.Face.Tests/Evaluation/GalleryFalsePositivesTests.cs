namespace Visage.Face.Tests.Evaluation;

public sealed class GalleryFalsePositivesTests
{
    [Theory]
    [InlineData(0.01, 10, 0.095617924991)] // 1 - 0.99^10
    [InlineData(0.001, 100, 0.095207852886)] // 1 - 0.999^100
    [InlineData(0.2, 1, 0.2)]
    [InlineData(0.0, 100_000, 0.0)]
    [InlineData(0.5, 2, 0.75)]
    public void Fpir_IsOneMinusTheChanceThatNoComparisonMatches(double fmr, int gallerySize, double expected) =>
        Assert.Equal(expected, GalleryFalsePositives.Fpir(fmr, gallerySize), 10);

    [Fact]
    public void FmrFor_InvertsFpir()
    {
        var fmr = GalleryFalsePositives.FmrFor(0.1, 10);

        Assert.Equal(0.010480741793, fmr, 10); // 1 - 0.9^(1/10)
        Assert.Equal(0.1, GalleryFalsePositives.Fpir(fmr, 10), 12);
    }

    [Fact]
    public void At_NoFalseMatchInAThousand_SmallGalleryMayAcceptLargeCannotBeShown()
    {
        // 0 of 1000: FMR in [0, 0.383 %]; N = 10 gives FPIR at most 3.77 %, N = 1000 up to 97.8 %.
        var threshold = Threshold(errors: 0, impostors: 1000);

        var risks = GalleryFalsePositives.At(threshold, maxFpir: 0.05, [10, 1000], [0.9f], []);

        Assert.Equal(IdentificationVerdict.MayAcceptAlone, risks[0].Verdict);
        Assert.Equal(0, risks[0].Fpir);
        Assert.Equal(GalleryFalsePositives.Fpir(threshold.Fmr.Upper!.Value, 10), risks[0].FpirUpper, 12);
        Assert.Equal(IdentificationVerdict.ReviewUnproven, risks[1].Verdict);
    }

    [Fact]
    public void At_LowerBoundAboveTheAllowed_AlwaysReview()
    {
        // 100 of 1000: FMR at least 8.3 %, so ten comparisons give FPIR at least 58 %, above the 50 % allowed.
        var risks = GalleryFalsePositives.At(Threshold(errors: 100, impostors: 1000), maxFpir: 0.5, [10], [0.9f], []);

        Assert.Equal(IdentificationVerdict.AlwaysReview, risks[0].Verdict);
        Assert.Equal(1 - Math.Pow(0.9, 10), risks[0].Fpir, 12);
    }

    [Fact]
    public void At_EnoughImpostorsForTheGallery_GivesTheThresholdItNeeds()
    {
        // Allowed FPIR 0.5 over N = 2 needs FMR 1 - 0.5^(1/2) = 29.3 %, so 11 impostors suffice (3 / 0.293 = 10.2);
        // of impostors 0.1 … 1.2, three may match (29.3 % of 12 = 3.5): the threshold sits just above 0.9.
        float[] impostors = [.. Enumerable.Range(1, 12).Select(i => i / 10f)];

        var risk = GalleryFalsePositives.At(Threshold(errors: 0, impostors: 12), maxFpir: 0.5, [2], [1.5f], impostors).Single();

        Assert.Equal(11, risk.ImpostorsNeeded);
        Assert.Equal(0.901f, risk.ThresholdNeeded);
    }

    private static FmrThreshold Threshold(int errors, int impostors) =>
        new(0.001, 0.5f, impostors, 3000, false, RateEstimate.Wilson(errors, impostors), RateEstimate.Wilson(0, 1));
}
