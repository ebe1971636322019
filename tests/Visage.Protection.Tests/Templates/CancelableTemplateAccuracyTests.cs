using System.Numerics.Tensors;
using System.Security.Cryptography;
using Visage.Face;

namespace Visage.Protection.Tests.Templates;

/// <summary>The transform on real faces: accuracy unchanged, and the same face under two keys unlinkable.</summary>
public sealed class CancelableTemplateAccuracyTests
{
    [Fact]
    public void Transform_DeepfaceMasterPairs_SameAccuracyAndUnlinkableAcrossKeys()
    {
        using var engine = new FaceEngine(new FaceEngineOptions(), ModelStore.OpenDefault());
        var evaluator = new PairEvaluator(engine);
        var set = PairSet.Load(PairSet.DeepfaceMaster, SharedDataLocator.Find());
        var embeddings = evaluator.EmbedAll(set.Pairs.SelectMany(p => new[] { p.PathA, p.PathB }), null, CancellationToken.None);
        var keyA = new CancelableTransform(RandomNumberGenerator.GetBytes(32), FaceEmbeddingDimensions);
        var keyB = new CancelableTransform(RandomNumberGenerator.GetBytes(32), FaceEmbeddingDimensions);

        var plain = evaluator.Score(set, embeddings).Metrics;
        var transformed = evaluator.Score(set, embeddings.ToDictionary(e => e.Key, e => Protect(e.Value, keyA))).Metrics;
        var crossKeyGenuine = set.Pairs.Where(p => p.SamePerson)
            .Select(p => Math.Abs(TensorPrimitives.Dot(keyA.Apply(embeddings[p.PathA]!.Vector), keyB.Apply(embeddings[p.PathB]!.Vector))))
            .ToList();

        Assert.Equal(plain.AccuracyAtThreshold, transformed.AccuracyAtThreshold, 3);
        Assert.Equal(plain.RocAuc, transformed.RocAuc, 4);
        Assert.True(crossKeyGenuine.Average() < 0.1, $"same face, two keys: mean |cosine| {crossKeyGenuine.Average():0.000}");
    }

    private const int FaceEmbeddingDimensions = 512;

    private static FaceEmbedding? Protect(FaceEmbedding? embedding, CancelableTransform transform) =>
        embedding is null ? null : embedding with { Vector = transform.Apply(embedding.Vector) };
}
