using System.Globalization;

namespace Visage.Face;

/// <summary>
/// The genuine and impostor scores of several pair sets pooled, every distinct pair once (the deepface lists overlap: a
/// pair two sets share would otherwise count twice and narrow every interval unfairly). Scores only, never the image
/// names, so a report can carry them and be judged later at any threshold; −1 where an image had no usable face.
/// </summary>
public sealed record PooledScores(IReadOnlyList<float> Genuine, IReadOnlyList<float> Impostor, int SharedPairsCountedOnce)
{
    /// <summary>Pools <paramref name="results"/> (scored from <paramref name="sets"/>, in the same order).</summary>
    /// <exception cref="EvaluationSetException">A pair is labelled one way in one set and the other way in another.</exception>
    public static PooledScores Pool(IReadOnlyList<PairSet> sets, IReadOnlyList<PairSetResult> results)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(results);
        var pooled = new Dictionary<(string, string), (bool Same, float Score)>();
        var shared = 0;
        foreach (var (set, result) in sets.Zip(results))
        {
            for (var i = 0; i < set.Pairs.Count; i++)
            {
                var pair = set.Pairs[i];
                var key = string.CompareOrdinal(pair.PathA, pair.PathB) <= 0 ? (pair.PathA, pair.PathB) : (pair.PathB, pair.PathA);
                if (pooled.TryGetValue(key, out var seen))
                {
                    if (seen.Same != pair.SamePerson)
                    {
                        throw new EvaluationSetException(string.Create(CultureInfo.InvariantCulture, $"{set.Name} line {pair.Line}: this pair is labelled the other way in an earlier set."));
                    }

                    shared++;
                    continue;
                }

                pooled[key] = (pair.SamePerson, result.PairScores[i]);
            }
        }

        return new PooledScores(
            [.. pooled.Values.Where(p => p.Same).Select(p => p.Score)],
            [.. pooled.Values.Where(p => !p.Same).Select(p => p.Score)],
            shared);
    }
}
