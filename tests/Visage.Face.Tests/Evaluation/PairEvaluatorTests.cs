namespace Visage.Face.Tests.Evaluation;

/// <summary>The accuracy targets of the face engine, measured on the shared labelled pairs.</summary>
[Collection(EngineCollection.Name)]
public sealed class PairEvaluatorTests(EngineFixture fixture)
{
    private readonly PairEvaluator evaluator = new(fixture.Engine);

    private PairSetResult Evaluate(string name)
    {
        var set = PairSet.Load(name, TestData.Root);
        var embeddings = evaluator.EmbedAll(set.Pairs.SelectMany(p => new[] { p.PathA, p.PathB }), null, CancellationToken.None);
        return evaluator.Score(set, embeddings);
    }

    [Fact]
    public void Score_DeepfaceMaster_SamePeopleAboveAndDifferentBelowTheDefaultThreshold()
    {
        var result = Evaluate(PairSet.DeepfaceMaster);

        Assert.Equal(300, result.Metrics.Genuine + result.Metrics.Impostor);
        Assert.Equal(0, result.PairsWithDetectionFailure);
        Assert.True(result.Metrics.AccuracyAtThreshold >= 0.995, $"accuracy at threshold {result.Metrics.AccuracyAtThreshold:P2}");
    }

    [Fact]
    public void Score_DeepfacePivot_MeetsBestAccuracyAndAucTargets()
    {
        var result = Evaluate(PairSet.DeepfacePivot);

        Assert.Equal(0, result.PairsWithDetectionFailure);
        Assert.True(result.Metrics.BestAccuracy >= 0.993, $"best accuracy {result.Metrics.BestAccuracy:P2}");
        Assert.True(result.Metrics.RocAuc >= 0.999, $"ROC AUC {result.Metrics.RocAuc:0.0000}");
    }

    [Fact]
    public void Score_DlibLowResolutionChips_SeparatesPeople()
    {
        var result = Evaluate(PairSet.DlibJohns);

        Assert.Equal(530, result.Metrics.Genuine + result.Metrics.Impostor);
        Assert.True(result.Metrics.AccuracyAtThreshold >= 0.98, $"accuracy at threshold {result.Metrics.AccuracyAtThreshold:P2}");
    }

    [Fact]
    public void EmbedAll_EveryDeepfacePhoto_HasAFace()
    {
        var photos = Directory.GetFiles(TestData.Path("faces", "deepface"), "*.jpg");

        var embeddings = evaluator.EmbedAll(photos, null, CancellationToken.None);

        Assert.Equal(photos.Length, embeddings.Count);
        Assert.True(photos.Length >= 60);
        Assert.Empty(embeddings.Where(e => e.Value is null).Select(e => Path.GetFileName(e.Key)));
    }
}
