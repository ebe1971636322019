using System.Collections.Concurrent;

namespace Visage.Face;

/// <summary>Scores of one pair set, the metrics at the engine's threshold, and which images had no usable face.</summary>
public sealed record PairSetResult(
    string Name,
    VerificationMetrics Metrics,
    IReadOnlyList<float> GenuineScores,
    IReadOnlyList<float> ImpostorScores,
    int PairsWithDetectionFailure,
    IReadOnlyList<string> FailedImages,
    ModelVersion Model)
{
    /// <summary>One score per pair of the set, in its order; −1 where an image had no usable face.</summary>
    public IReadOnlyList<float> PairScores { get; init; } = [];
}

/// <summary>
/// Embeds every image of the pair sets once, then scores each pair. A pair whose image has no face gets
/// a score of −1: it counts as a non-match, so a failure to detect can never improve the figures.
/// </summary>
public sealed class PairEvaluator
{
    public const float FailureScore = -1f;
    private readonly FaceEngine engine;

    public PairEvaluator(FaceEngine engine)
    {
        this.engine = engine;
    }

    /// <summary>Embeds the images (in parallel), reporting progress as (done, total).</summary>
    public IReadOnlyDictionary<string, FaceEmbedding?> EmbedAll(IEnumerable<string> paths, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var unique = paths.Distinct(StringComparer.Ordinal).ToList();
        var results = new ConcurrentDictionary<string, FaceEmbedding?>(StringComparer.Ordinal);
        var done = 0;
        Parallel.ForEach(unique, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, path =>
        {
            FaceEmbedding? embedding = null;
            try
            {
                embedding = engine.CreateTemplate(File.ReadAllBytes(path)).Embedding;
            }
            catch (Exception ex) when (ex is FaceNotFoundException or ImageDecodeException)
            {
                // Recorded as a detection failure by the caller.
            }

            results[path] = embedding;
            progress?.Report((Interlocked.Increment(ref done), unique.Count));
        });
        return results;
    }

    public PairSetResult Score(PairSet set, IReadOnlyDictionary<string, FaceEmbedding?> embeddings)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(embeddings);
        if (!set.Pairs.Any(p => p.SamePerson) || set.Pairs.All(p => p.SamePerson))
        {
            throw new EvaluationSetException($"{set.Name}: at least one genuine and one impostor pair with both images present are needed.");
        }

        var genuine = new List<float>();
        var impostor = new List<float>();
        var pairScores = new List<float>(set.Pairs.Count);
        var failures = 0;
        foreach (var pair in set.Pairs)
        {
            var a = embeddings[pair.PathA];
            var b = embeddings[pair.PathB];
            var score = a is null || b is null ? FailureScore : a.Similarity(b);
            failures += a is null || b is null ? 1 : 0;
            (pair.SamePerson ? genuine : impostor).Add(score);
            pairScores.Add(score);
        }

        var failed = set.Pairs.SelectMany(p => new[] { p.PathA, p.PathB })
            .Distinct(StringComparer.Ordinal)
            .Where(p => embeddings[p] is null)
            .Select(Path.GetFileName)
            .OfType<string>()
            .ToList();
        return new PairSetResult(set.Name, VerificationMetrics.Compute(genuine, impostor, engine.MatchThreshold), genuine, impostor, failures, failed, engine.EmbedderModel)
        {
            PairScores = pairScores,
        };
    }
}
