using System.Numerics.Tensors;

namespace Visage.Gallery;

/// <summary>
/// The reference the gallery is measured against: a plain float32 brute-force scan over the original vectors,
/// one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per template, same query semantics.
/// </summary>
internal static class ExactScan
{
    public static GalleryMatch[] Search(IReadOnlyList<GalleryEntry> entries, ReadOnlySpan<float> probe, GalleryQuery query)
    {
        var best = new Dictionary<Guid, GalleryMatch>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if ((entry.Purposes & query.Purpose) == 0 || (query.Subjects is not null && !query.Subjects.Contains(entry.SubjectId)))
            {
                continue;
            }

            var score = TensorPrimitives.Dot(entry.Vector.Span, probe);
            if (score >= query.MinScore && (!best.TryGetValue(entry.SubjectId, out var current) || score > current.Score))
            {
                best[entry.SubjectId] = new GalleryMatch(entry.SubjectId, entry.TemplateId, score);
            }
        }

        return [.. best.Values.OrderByDescending(match => match.Score).Take(query.TopK)];
    }

    public static float? Verify(IReadOnlyList<GalleryEntry> entries, ReadOnlySpan<float> probe, Guid subjectId, Purposes purpose)
    {
        float? best = null;
        foreach (var entry in entries)
        {
            if (entry.SubjectId == subjectId && (entry.Purposes & purpose) != 0)
            {
                var score = TensorPrimitives.Dot(entry.Vector.Span, probe);
                best = best is null ? score : MathF.Max(best.Value, score);
            }
        }

        return best;
    }
}
