namespace Visage.Face.Tests.Evaluation;

public sealed class ThresholdCalibrationTests
{
    private static readonly float[] TenImpostors = [.. Enumerable.Range(1, 10).Select(i => i / 10f)];
    private static readonly float[] FourGenuine = [0.5f, 0.85f, 0.95f, 0.99f];

    [Fact]
    public void AtFmr_TenImpostorsTargetTenPercent_ThresholdJustAboveTheSecondHighestRoundedUp()
    {
        // One false match in ten is allowed: 1.0 may match, 0.9 may not, so the threshold is 0.9 + a hair, written 0.901.
        var threshold = ThresholdCalibration.AtFmr(0.1, FourGenuine, TenImpostors);

        Assert.Equal(0.901f, threshold.Threshold);
        Assert.Equal((1, 10), (threshold.Fmr.Errors, threshold.Fmr.Trials));
        Assert.Equal((2, 4), (threshold.Fnmr.Errors, threshold.Fnmr.Trials));
    }

    [Fact]
    public void AtFmr_FewerImpostorsThanThreeOverTheTarget_IsALowerBoundNotCertified()
    {
        // 10 impostors cannot show an FMR of 1e-1 (30 needed): the threshold is above every impostor, and said to be a bound.
        var threshold = ThresholdCalibration.AtFmr(0.1, FourGenuine, TenImpostors);

        Assert.False(threshold.Certified);
        Assert.Equal(30, threshold.ImpostorsNeeded);
        Assert.Contains("lower bound, not certified: 10 impostor pairs, 30 needed", threshold.Caveat, StringComparison.Ordinal);
    }

    [Fact]
    public void AtFmr_ThreeHundredImpostorsAtOnePercent_IsCertifiedWithThreeFalseMatches()
    {
        // Impostors 1/300 … 300/300: three may match (1.0, 0.9967, 0.9933), the fourth (0.99) may not.
        float[] impostors = [.. Enumerable.Range(1, 300).Select(i => i / 300f)];

        var threshold = ThresholdCalibration.AtFmr(0.01, [0.995f, 1f], impostors);

        Assert.True(threshold.Certified);
        Assert.Equal(0.991f, threshold.Threshold);
        Assert.Equal(3, threshold.Fmr.Errors);
        Assert.Equal((0, 2), (threshold.Fnmr.Errors, threshold.Fnmr.Trials));
    }

    [Theory]
    [InlineData(0.45f, 0.45f)]
    [InlineData(0.4501f, 0.451f)]
    [InlineData(-0.2f, -0.2f)]
    public void RoundUp_ToThreeDecimals_NeverDown(float raw, float written) => Assert.Equal(written, ThresholdCalibration.RoundUp(raw));

    [Fact]
    public void RoundUp_JustAboveADecimal_GoesToTheNextOne() => Assert.Equal(0.451f, ThresholdCalibration.RoundUp(MathF.BitIncrement(0.45f)));

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void AtFmr_TargetOutsideZeroToOne_Throws(double target) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdCalibration.AtFmr(target, FourGenuine, TenImpostors));
}
