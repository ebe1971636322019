namespace Visage.Face.Tests.Evaluation;

/// <summary>Pooling the scores of several pair sets: a pair two sets share (either way round) counts once, and a pair labelled both ways is an error.</summary>
public sealed class PooledScoresTests
{
    private static PairSetResult Scored(PairSet set, params float[] scores) =>
        new(set.Name, VerificationMetrics.Compute([1f], [0f], 0.4f), [], [], 0, [], new ModelVersion("m", "1", "abc"))
        {
            PairScores = scores,
        };

    [Fact]
    public void Pool_PairSharedBySets_CountsOnce_AndKeepsTheFirstSetsScore()
    {
        var first = new PairSet("a", [new("x.jpg", "y.jpg", true), new("x.jpg", "z.jpg", false)]);
        var second = new PairSet("b", [new("y.jpg", "x.jpg", true, 4), new("w.jpg", "z.jpg", false)]);

        var pooled = PooledScores.Pool([first, second], [Scored(first, 0.8f, 0.1f), Scored(second, 0.8f, 0.2f)]);

        Assert.Equal([0.8f], pooled.Genuine);
        Assert.Equal([0.1f, 0.2f], pooled.Impostor);
        Assert.Equal(1, pooled.SharedPairsCountedOnce);
    }

    [Fact]
    public void Pool_PairLabelledBothWays_NamesTheSetAndLine()
    {
        var first = new PairSet("a", [new("x.jpg", "y.jpg", true)]);
        var second = new PairSet("b", [new("x.jpg", "y.jpg", false, 7)]);

        var ex = Assert.Throws<EvaluationSetException>(() => PooledScores.Pool([first, second], [Scored(first, 0.8f), Scored(second, 0.8f)]));

        Assert.Equal("b line 7: this pair is labelled the other way in an earlier set.", ex.Message);
    }
}
