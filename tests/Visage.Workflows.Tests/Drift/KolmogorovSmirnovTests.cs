using Visage.Workflows.Drift;

namespace Visage.Workflows.Tests.Drift;

/// <summary>The two-sample KS statistic on hand-worked samples (ties included) and its p-value's behaviour.</summary>
public sealed class KolmogorovSmirnovTests
{
    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4 }, new[] { 1.0, 2, 3, 4 }, 0.0)]
    [InlineData(new[] { 1.0, 2, 3, 4 }, new[] { 3.0, 4, 5, 6 }, 0.5)]
    [InlineData(new[] { 1.0, 2 }, new[] { 5.0, 6, 7 }, 1.0)]
    // Ties across the samples are stepped over together: the gap at 1 is 2/3 − 1/3, at 2 none.
    [InlineData(new[] { 1.0, 1, 2 }, new[] { 1.0, 2, 2 }, 1.0 / 3)]
    public void Statistic_HandWorkedSamples_GivesTheLargestGap(double[] a, double[] b, double expected) =>
        Assert.Equal(expected, KolmogorovSmirnov.Statistic(a, b), 12);

    [Fact]
    public void PValue_IsOneForNoGap_SmallForALargeGap_AndShrinksWithTheSample()
    {
        Assert.Equal(1.0, KolmogorovSmirnov.PValue(0, 100, 100));
        Assert.InRange(KolmogorovSmirnov.PValue(0.2, 100, 100), 0.02, 0.05);
        Assert.True(KolmogorovSmirnov.PValue(0.2, 30, 30) > 0.4);
        Assert.True(KolmogorovSmirnov.PValue(0.5, 100, 100) < 1e-9);
    }
}
