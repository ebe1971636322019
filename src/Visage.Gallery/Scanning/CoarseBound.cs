namespace Visage.Gallery.Scanning;

/// <summary>
/// The per-query numbers that turn an integer dot product into a coarse score and an upper bound:
/// coarse = (dot − OffsetSum)·ProbeScale·a, upper = coarse + CoarseError·PerError + Base.
/// </summary>
internal readonly record struct CoarseBound(float OffsetSum, float ProbeScale, float PerError, float Base)
{
    public float Coarse(int dot, float scale) => (dot - OffsetSum) * ProbeScale * scale;

    public float Bound(float coarseError) => (coarseError * PerError) + Base;
}
