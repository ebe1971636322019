using System.Numerics.Tensors;
using Visage.Face;
using Visage.Workflows.Enrolment;

namespace Visage.Benchmarks.Workflows;

/// <summary>How a subject enrolled from several images is scored: today's one template per image (the gallery takes the best), or one mean template.</summary>
internal enum EnrolmentScoring
{
    BestOf,
    Mean,
}

/// <summary>One identity of a set: the embeddings of its usable images, in a fixed order.</summary>
internal sealed record EnrolmentIdentity(string Name, IReadOnlyList<FaceEmbedding> Images);

/// <summary>One comparison: its score and which probe image it used (an index over the set's images).</summary>
internal readonly record struct EnrolmentTrial(float Score, int Probe);

/// <summary>The genuine and impostor trials of one enrolment size and scoring, and how many people and probes they rest on.</summary>
internal sealed record EnrolmentScores(int K, EnrolmentScoring Scoring, IReadOnlyList<EnrolmentTrial> Genuine, IReadOnlyList<EnrolmentTrial> Impostor, int EnrolledIdentities, int GenuineProbes, int ImpostorProbes);

/// <summary>
/// Hold-out scoring of multi-image enrolment. Every identity with at least <see cref="MinImages"/> usable images takes
/// part. For enrolment size k, every k-subset of an identity's images (with at least one image left over) is one
/// enrolment: its genuine trials are the identity's images outside the subset (each held out in turn as the probe),
/// its impostor trials every image of every other taking-part identity. All subsets, not a sample: deterministic, and no
/// lucky or unlucky draw. The trials share images, so they are not independent.
/// </summary>
internal static class MultiImageEnrolmentProtocol
{
    public const int MinImages = 3;

    public static IReadOnlyList<EnrolmentScores> Score(IReadOnlyList<EnrolmentIdentity> identities, int k)
    {
        var taking = identities.Where(i => i.Images.Count >= MinImages).ToList();
        var enrolled = taking.Where(i => i.Images.Count > k).ToList();
        var firstProbe = new Dictionary<EnrolmentIdentity, int>();
        foreach (var identity in taking)
        {
            firstProbe[identity] = firstProbe.Values.Count == 0 ? 0 : firstProbe.Max(f => f.Value + f.Key.Images.Count);
        }

        var scores = new Dictionary<EnrolmentScoring, (List<EnrolmentTrial> Genuine, List<EnrolmentTrial> Impostor)>
        {
            [EnrolmentScoring.BestOf] = ([], []),
            [EnrolmentScoring.Mean] = ([], []),
        };
        foreach (var identity in enrolled)
        {
            foreach (var subset in Subsets(identity.Images.Count, k))
            {
                var templates = subset.Select(i => identity.Images[i].Vector).ToList();
                var mean = MeanTemplate.Of([.. subset.Select(i => identity.Images[i])]).Vector;
                foreach (var other in taking)
                {
                    var same = ReferenceEquals(other, identity);
                    for (var p = 0; p < other.Images.Count; p++)
                    {
                        if (same && subset.Contains(p))
                        {
                            continue;
                        }

                        var probe = other.Images[p].Vector;
                        var best = templates.Max(t => TensorPrimitives.Dot(t, probe));
                        Add(scores[EnrolmentScoring.BestOf], same, new EnrolmentTrial(best, firstProbe[other] + p));
                        Add(scores[EnrolmentScoring.Mean], same, new EnrolmentTrial(TensorPrimitives.Dot(mean, probe), firstProbe[other] + p));
                    }
                }
            }
        }

        var genuineProbes = enrolled.Sum(i => i.Images.Count);
        var impostorProbes = taking.Sum(i => i.Images.Count);
        return scores.Select(s => new EnrolmentScores(k, s.Key, s.Value.Genuine, s.Value.Impostor, enrolled.Count, genuineProbes, impostorProbes)).ToList();
    }

    private static void Add((List<EnrolmentTrial> Genuine, List<EnrolmentTrial> Impostor) lists, bool genuine, EnrolmentTrial trial) =>
        (genuine ? lists.Genuine : lists.Impostor).Add(trial);

    /// <summary>Every k-subset of 0..n-1 in lexicographic order.</summary>
    private static IEnumerable<int[]> Subsets(int n, int k)
    {
        var current = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return (int[])current.Clone();
            var i = k - 1;
            while (i >= 0 && current[i] == n - k + i)
            {
                i--;
            }

            if (i < 0)
            {
                yield break;
            }

            current[i]++;
            for (var j = i + 1; j < k; j++)
            {
                current[j] = current[j - 1] + 1;
            }
        }
    }
}
