namespace Visage.Face;

internal static class NonMaxSuppression
{
    /// <summary>Greedy NMS: keeps the best-scoring box and drops those overlapping it by more than <paramref name="iou"/>.</summary>
    public static List<FaceCandidate> Apply(IEnumerable<FaceCandidate> candidates, float iou)
    {
        var sorted = candidates.OrderByDescending(c => c.Score).ToList();
        var kept = new List<FaceCandidate>();
        foreach (var candidate in sorted)
        {
            if (kept.TrueForAll(k => k.Box.IntersectionOverUnion(candidate.Box) <= iou))
            {
                kept.Add(candidate);
            }
        }

        return kept;
    }
}
