namespace Visage.Face.Tests.Evaluation;

public sealed class FixedFmrTests
{
    [Theory]
    [InlineData(1e-2, 300)]
    [InlineData(1e-3, 3000)]
    public void ImpostorsNeeded_IsThreeOverTheTarget(double target, int needed) => Assert.Equal(needed, FixedFmr.ImpostorsNeeded(target));

    [Fact]
    public void At_TenImpostorsTargetTenPercent_ThresholdJustAboveTheSecondHighestImpostor()
    {
        // Impostors 0.1 … 1.0: one false match of ten is allowed, so 1.0 may match and 0.9 may not.
        WeightedScore[] impostors = [.. Enumerable.Range(1, 10).Reverse().Select(i => new WeightedScore(i / 10f, 1))];
        WeightedScore[] genuine = [new(0.5f, 1), new(0.85f, 1), new(0.95f, 1), new(0.99f, 1)];

        var (fnmr, threshold) = FixedFmr.At(0.1, genuine, impostors)!.Value;

        Assert.Equal(MathF.BitIncrement(0.9f), threshold);
        Assert.Equal(0.5, fnmr, 12);
    }

    [Fact]
    public void At_Weights_CountEachScoreThatManyTimes()
    {
        // The top impostor drawn twice of eleven: 2/11 > 10 %, so even it must not match.
        WeightedScore[] impostors = [new(1.0f, 2), .. Enumerable.Range(1, 9).Reverse().Select(i => new WeightedScore(i / 10f, 1))];
        WeightedScore[] genuine = [new(0.95f, 3), new(0.99f, 1)];

        var (fnmr, threshold) = FixedFmr.At(0.1, genuine, impostors)!.Value;

        Assert.Equal(MathF.BitIncrement(1.0f), threshold);
        Assert.Equal(1.0, fnmr, 12);
    }

    [Fact]
    public void At_NoGenuineWeight_HasNoEstimate()
    {
        WeightedScore[] impostors = [new(0.2f, 1)];
        WeightedScore[] genuine = [new(0.9f, 0)];

        Assert.Null(FixedFmr.At(0.1, genuine, impostors));
    }
}
