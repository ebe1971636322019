namespace Visage.Face.Tests.Evaluation;

public sealed class RateEstimateTests
{
    /// <summary>Wilson score intervals without continuity correction from Newcombe (1998), Statistics in Medicine 17:857, table I.</summary>
    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Wilson_PublishedExamples_MatchToFourPlaces(int errors, int trials, double lower, double upper)
    {
        var rate = RateEstimate.Wilson(errors, trials);

        Assert.Equal((double)errors / trials, rate.Rate!.Value, 12);
        Assert.Equal(lower, rate.Lower!.Value, 4);
        Assert.Equal(upper, rate.Upper!.Value, 4);
    }

    [Fact]
    public void Wilson_NoErrorsInThreeHundred_StillHasAnUpperBoundAboveOnePercent()
    {
        var rate = RateEstimate.Wilson(0, 300);

        Assert.Equal(0, rate.Lower!.Value, 12);
        Assert.Equal(0.012643, rate.Upper!.Value, 5);
    }

    [Fact]
    public void Wilson_NoTrials_HasNoRateAndNoInterval()
    {
        var rate = RateEstimate.Wilson(0, 0);

        Assert.Null(rate.Rate);
        Assert.Null(rate.Lower);
        Assert.Null(rate.Upper);
    }
}
