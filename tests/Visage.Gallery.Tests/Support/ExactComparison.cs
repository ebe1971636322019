using System.Numerics.Tensors;

namespace Visage.Gallery.Tests.Support;

/// <summary>Checks a gallery answer against the float32 reference and collects every violation.</summary>
internal static class ExactComparison
{
    public const float Tolerance = 1e-3f;

    /// <summary>The subject's exact score: best float32 cosine over its templates consented for the purpose.</summary>
    public static float SubjectScore(IReadOnlyDictionary<Guid, GalleryEntry[]> bySubject, Guid subject, float[] probe, Purposes purpose) =>
        bySubject[subject].Where(e => (e.Purposes & purpose) != 0).Max(e => TensorPrimitives.Dot(e.Vector.Span, probe));

    /// <summary>
    /// Threshold search: every expected subject returned with its score within tolerance; anything else returned
    /// is within tolerance of the threshold and of its exact score; results sorted.
    /// </summary>
    public static void Threshold(
        List<string> failures, int probeIndex, IReadOnlyList<GalleryMatch> actual, IReadOnlyList<GalleryMatch> expected,
        GalleryQuery query, Func<Guid, float> exactScore)
    {
        var returned = actual.ToDictionary(m => m.SubjectId);
        foreach (var match in expected)
        {
            if (!returned.TryGetValue(match.SubjectId, out var found))
            {
                failures.Add($"probe {probeIndex}: missed a subject with exact score {match.Score:F5}");
            }
            else if (Math.Abs(found.Score - match.Score) > Tolerance)
            {
                failures.Add($"probe {probeIndex}: score {found.Score:F5} vs exact {match.Score:F5}");
            }
        }

        var expectedSubjects = expected.Select(m => m.SubjectId).ToHashSet();
        foreach (var match in actual.Where(m => !expectedSubjects.Contains(m.SubjectId)))
        {
            var exact = exactScore(match.SubjectId);
            if (exact < query.MinScore - Tolerance || Math.Abs(exact - match.Score) > Tolerance)
            {
                failures.Add($"probe {probeIndex}: returned a subject with exact score {exact:F5} as {match.Score:F5}");
            }
        }

        for (var i = 1; i < actual.Count; i++)
        {
            if (actual[i].Score > actual[i - 1].Score)
            {
                failures.Add($"probe {probeIndex}: results not sorted at {i}");
            }
        }
    }
}
