namespace Visage.Face.Tests.Evaluation;

public sealed class VerificationMetricsTests
{
    [Fact]
    public void Compute_PerfectlySeparatedScores_HaveAucOneAndNoErrors()
    {
        var m = VerificationMetrics.Compute([0.8f, 0.9f, 0.7f], [0.1f, 0.2f, 0.3f, 0.0f], threshold: 0.5f);

        Assert.Equal(1.0, m.RocAuc, 10);
        Assert.Equal(1.0, m.AccuracyAtThreshold, 10);
        Assert.Equal(0.0, m.EqualErrorRate, 10);
        Assert.Equal(1.0, m.BestAccuracy, 10);
        Assert.InRange(m.BestThreshold, 0.3f + 1e-6f, 0.7f);
    }

    [Fact]
    public void Compute_OverlappingScores_CountsErrorsAtTheThreshold()
    {
        // genuine 0.6, 0.4 | impostor 0.5, 0.1 ; at 0.45: one false non-match (0.4), one false match (0.5)
        var m = VerificationMetrics.Compute([0.6f, 0.4f], [0.5f, 0.1f], threshold: 0.45f);

        Assert.Equal(0.5, m.FalseMatchRate, 10);
        Assert.Equal(0.5, m.FalseNonMatchRate, 10);
        Assert.Equal(0.5, m.AccuracyAtThreshold, 10);
        Assert.Equal(0.75, m.RocAuc, 10);
        Assert.Equal(0.75, m.BestAccuracy, 10);
    }

    [Fact]
    public void Compute_TiedScores_CountHalfInAuc()
    {
        var m = VerificationMetrics.Compute([0.5f], [0.5f], threshold: 0.5f);

        Assert.Equal(0.5, m.RocAuc, 10);
    }

    [Fact]
    public void Compute_FewerThanHundredImpostors_HasNoTarAtFar1e2()
    {
        Assert.Null(VerificationMetrics.Compute([0.9f], [0.1f], 0.5f).TrueAcceptRateAtFar1e2);
    }

    [Fact]
    public void Compute_HundredImpostorsOneHigh_TarAtFar1e2AllowsOneFalseMatch()
    {
        var impostor = Enumerable.Range(0, 99).Select(i => i / 1000f).Append(0.95f).ToArray();
        var genuine = new[] { 0.9f, 0.96f, 0.97f, 0.5f };

        var m = VerificationMetrics.Compute(genuine, impostor, 0.5f);

        // FAR <= 1e-2 allows the single 0.95 impostor through, so every genuine above 0.099 is accepted.
        Assert.Equal(1.0, m.TrueAcceptRateAtFar1e2!.Value, 10);
    }

    [Fact]
    public void Compute_NoImpostors_Throws()
    {
        Assert.Throws<ArgumentException>(() => VerificationMetrics.Compute([0.5f], [], 0.5f));
    }
}
