using System.Numerics;
using Visage.Gallery.Quantization;
using Visage.Gallery.Segments;

namespace Visage.Gallery.Scanning;

/// <summary>
/// One 1:N search: a coarse int4 scan that keeps every template that could still qualify, then exact rescoring of
/// those whose upper bound can still reach the result.
/// </summary>
/// <remarks>
/// Bounds, for probe q and template x with int4 reconstruction x̂, rescored reconstruction x̃ and coarse score
/// c = q̂·x̂ (q̂ the int8 probe): the reported score s = q·x̃ satisfies |s − c| ≤ W with
/// W = ‖q‖·(‖x − x̂‖ + ‖x − x̃‖) + ‖q − q̂‖·‖x̂‖ + 2·Slack (Cauchy–Schwarz, with ‖x̂‖ ≤ ‖x‖ + ‖x − x̂‖), and
/// |s − q·x| ≤ δ = ‖q‖·‖x − x̃‖ + Slack. No distributional assumption: the norms are exact per template and probe.
/// A template is kept when s + δ ≥ MinScore, so every template whose exact cosine reaches MinScore is kept.
/// </remarks>
internal sealed unsafe class GallerySearch
{
    private const int Block = 1024;

    private readonly SlotTable slots;
    private readonly ProbeCode probe;
    private readonly byte purpose;
    private readonly float minScore;
    private readonly IReadOnlySet<Guid>? subjects;
    private readonly float scanFloor;
    private readonly CoarseBound bound;
    private readonly SubjectTopK lowerBounds;
    private readonly SubjectTopK results;
    private int[] candidateSlots = new int[256];
    private float[] candidateBounds = new float[256];
    private int candidateCount;
    private float cut;

    public GallerySearch(SlotTable slots, ProbeCode probe, GalleryQuery query, int k, float maxRescoreError)
    {
        this.slots = slots;
        this.probe = probe;
        purpose = (byte)query.Purpose;
        minScore = query.MinScore;
        subjects = query.Subjects;
        // No template can be kept with an upper bound below this (its δ is at most the gallery's largest).
        scanFloor = minScore - ((probe.Norm * maxRescoreError) + ErrorBound.Slack);
        // W = CoarseError·(‖q‖ + ‖q − q̂‖) + ‖q − q̂‖·‖x‖max + 2·Slack, with ‖x‖ ≤ 1 + NormTolerance.
        bound = new CoarseBound(
            Int4Quantizer.Offset * probe.CodeSum,
            probe.Scale,
            ErrorBound.RoundUp((double)probe.Norm + probe.CodeError),
            ErrorBound.RoundUp((probe.CodeError * (1 + UnitVector.NormTolerance)) + (2.0 * ErrorBound.Slack)));
        lowerBounds = new SubjectTopK(k);
        results = new SubjectTopK(k);
        cut = scanFloor;
    }

    /// <summary>The instruction set of the coarse scan; tests set the slower ones to compare them.</summary>
    public CoarseKernel Kernel { get; init; } = CoarseScanner.Best;

    /// <summary>Coarse scan over every slot, then rescoring.</summary>
    public GalleryMatch[] ScanAll()
    {
        Scan();
        return Rescore();
    }

    /// <summary>No coarse scan: rescores the given slots directly (a small candidate subset).</summary>
    public GalleryMatch[] RescoreOnly(IEnumerable<int> slotsToScore)
    {
        foreach (var slot in slotsToScore)
        {
            var segment = slots.SegmentFor(slot);
            var offset = SlotTable.OffsetOf(slot);
            if ((segment.Purposes[offset] & purpose) != 0)
            {
                Keep(segment, offset, slot);
            }
        }

        return Matches();
    }

    private void Scan()
    {
        var end = (slots.HighWater + 7) & ~7;
        // Two interleaved runs, [0, half) and [half, end), differing by at most 8 slots; one run without AVX2.
        var half = Kernel == CoarseKernel.Scalar ? 0 : end / 16 * 8;
        var dotsA = stackalloc int[Block];
        var dotsB = stackalloc int[Block];
        var masks = stackalloc byte[Block / 4];
        // 64-byte aligned: the kernels load the probe 8–16 times per row; no load should straddle cache lines.
        var buffer = stackalloc sbyte[FaceGallery.Dimension + 64];
        var q = (sbyte*)(((nint)buffer + 63) & ~(nint)63);
        CoarseScanner.Arrange(Kernel, probe.Codes, new Span<sbyte>(q, FaceGallery.Dimension));
        var a = 0;
        var b = half;
        while (a < half)
        {
            var length = Math.Min(Math.Min(Block, half - a), Math.Min(RunLength(a, end), RunLength(b, end)));
            var (segmentA, offsetA) = (slots.SegmentFor(a), SlotTable.OffsetOf(a));
            var (segmentB, offsetB) = (slots.SegmentFor(b), SlotTable.OffsetOf(b));
            fixed (float* scalesA = segmentA.Scales, errorsA = segmentA.CoarseErrors, scalesB = segmentB.Scales, errorsB = segmentB.CoarseErrors)
            {
                CoarseScanner.ScanPair(
                    Kernel, segmentA.CodeRow(offsetA), segmentB.CodeRow(offsetB), q, bound, cut,
                    scalesA + offsetA, scalesB + offsetB, errorsA + offsetA, errorsB + offsetB, dotsA, dotsB, masks, length);
            }

            for (var group = 0; group < length / 4; group++)
            {
                for (uint mask = masks[group]; mask != 0; mask &= mask - 1)
                {
                    var lane = BitOperations.TrailingZeroCount(mask);
                    var i = (4 * group) + (lane & 3);
                    if (lane < 4)
                    {
                        ConsiderDot(segmentA, offsetA + i, a + i, dotsA[i]);
                    }
                    else
                    {
                        ConsiderDot(segmentB, offsetB + i, b + i, dotsB[i]);
                    }
                }
            }

            a += length;
            b += length;
        }

        while (b < end)
        {
            var length = Math.Min(Block, RunLength(b, end));
            var segment = slots.SegmentFor(b);
            var offset = SlotTable.OffsetOf(b);
            CoarseScanner.Dots(Kernel, segment.CodeRow(offset), q, dotsB, length);
            for (var i = 0; i < length; i++)
            {
                ConsiderDot(segment, offset + i, b + i, dotsB[i]);
            }

            b += length;
        }
    }

    // Slots from `start` to the end of its segment or of the scan, whichever comes first.
    private int RunLength(int start, int end) =>
        Math.Min(end - start, slots.SegmentFor(start).Capacity - SlotTable.OffsetOf(start));

    private void ConsiderDot(GallerySegment segment, int offset, int slot, int dot)
    {
        var coarse = bound.Coarse(dot, segment.Scales[offset]);
        var width = bound.Bound(segment.CoarseErrors[offset]);
        if (coarse + width >= cut)
        {
            Consider(segment, offset, slot, coarse, width);
        }
    }

    private void Consider(GallerySegment segment, int offset, int slot, float coarse, float width)
    {
        if ((segment.Purposes[offset] & purpose) == 0)
        {
            return;
        }

        var subject = segment.SubjectIds[offset];
        if (subjects is not null && !subjects.Contains(subject))
        {
            return;
        }

        lowerBounds.Offer(subject, coarse - width, slot);
        cut = MathF.Max(scanFloor, lowerBounds.Minimum);
        var upper = coarse + width;
        if (upper < cut)
        {
            return;
        }

        if (candidateCount == candidateSlots.Length)
        {
            Array.Resize(ref candidateSlots, candidateCount * 2);
            Array.Resize(ref candidateBounds, candidateCount * 2);
        }

        candidateSlots[candidateCount] = slot;
        candidateBounds[candidateCount] = upper;
        candidateCount++;
    }

    private GalleryMatch[] Rescore()
    {
        // The templates with the best lower bounds are likely among the best: scoring them first sets a high bar
        // at once, so no ordering of the candidates is needed.
        foreach (var (_, _, slot) in lowerBounds.ToSortedArray())
        {
            Keep(slots.SegmentFor(slot), SlotTable.OffsetOf(slot), slot);
        }

        // s ≤ upper bound, so a candidate whose bound is not above the k-th best score cannot enter.
        var bar = MathF.Max(cut, results.Minimum);
        var kept = 0;
        for (var i = 0; i < candidateCount; i++)
        {
            if (candidateBounds[i] >= bar)
            {
                candidateSlots[kept] = candidateSlots[i];
                candidateBounds[kept] = candidateBounds[i];
                kept++;
            }
        }

        for (var i = 0; i < kept; i++)
        {
            if (i + Rescorer.PrefetchDistance < kept)
            {
                var ahead = candidateSlots[i + Rescorer.PrefetchDistance];
                Rescorer.Prefetch(slots.SegmentFor(ahead), SlotTable.OffsetOf(ahead));
            }

            if (results.IsFull && candidateBounds[i] <= results.Minimum)
            {
                continue;
            }

            var slot = candidateSlots[i];
            Keep(slots.SegmentFor(slot), SlotTable.OffsetOf(slot), slot);
        }

        return Matches();
    }

    private void Keep(GallerySegment segment, int offset, int slot)
    {
        var score = Rescorer.Score(segment, offset, probe.Vector);
        var tolerance = (probe.Norm * segment.RescoreErrors[offset]) + ErrorBound.Slack;
        if (score + tolerance >= minScore)
        {
            results.Offer(segment.SubjectIds[offset], score, slot);
        }
    }

    private GalleryMatch[] Matches()
    {
        var best = results.ToSortedArray();
        var matches = new GalleryMatch[best.Length];
        for (var i = 0; i < best.Length; i++)
        {
            var segment = slots.SegmentFor(best[i].Slot);
            matches[i] = new GalleryMatch(best[i].Subject, segment.TemplateIds[SlotTable.OffsetOf(best[i].Slot)], best[i].Value);
        }

        return matches;
    }
}
