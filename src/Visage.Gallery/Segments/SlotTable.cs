using Visage.Gallery.Quantization;

namespace Visage.Gallery.Segments;

/// <summary>
/// The gallery's slots across segments: slot = segment · 65,536 + offset. Hands out freed slots first, so
/// deletions leave no holes for the scan to walk over for long.
/// </summary>
internal sealed class SlotTable : IDisposable
{
    private readonly List<GallerySegment> segments = [];
    private readonly Stack<int> freeSlots = new();

    /// <summary>Slots ever handed out; the scan covers [0, HighWater) rounded up to 8.</summary>
    public int HighWater { get; private set; }

    public int Capacity { get; private set; }

    public IReadOnlyList<GallerySegment> Segments => segments;

    public static int SegmentOf(int slot) => slot >> GallerySegment.SlotBits;

    public static int OffsetOf(int slot) => slot & (GallerySegment.MaxCapacity - 1);

    public GallerySegment SegmentFor(int slot) => segments[SegmentOf(slot)];

    /// <summary>Makes room for <paramref name="additional"/> more templates without further growth.</summary>
    public void Reserve(int additional)
    {
        var needed = (long)HighWater + Math.Max(0, additional - freeSlots.Count);
        if (needed > int.MaxValue - GallerySegment.MaxCapacity)
        {
            throw new InvalidOperationException("The gallery cannot hold that many templates.");
        }

        while (Capacity < needed)
        {
            var full = (long)(segments.Count - 1) * GallerySegment.MaxCapacity;
            if (segments.Count > 0 && segments[^1].Capacity < GallerySegment.MaxCapacity)
            {
                var last = segments[^1];
                last.Grow(SegmentSize(needed - full, last.Capacity));
                Capacity = (int)(full + last.Capacity);
            }
            else
            {
                segments.Add(new GallerySegment(SegmentSize(needed - Capacity, 0)));
                Capacity += segments[^1].Capacity;
            }
        }
    }

    public int Take()
    {
        if (freeSlots.TryPop(out var slot))
        {
            return slot;
        }

        Reserve(1);
        return HighWater++;
    }

    /// <summary>Clears the slot and makes it available again.</summary>
    public void Release(int slot)
    {
        SegmentFor(slot).Clear(OffsetOf(slot));
        freeSlots.Push(slot);
    }

    /// <summary>Bytes held by the slots, managed and unmanaged, including the free list.</summary>
    public long Bytes => ((long)Capacity * GallerySegment.BytesPerSlot) + ((long)freeSlots.Count * sizeof(int));

    /// <summary>The part of <see cref="Bytes"/> outside the managed heap (the code and residual rows).</summary>
    public long UnmanagedBytes => (long)Capacity * (Int4Quantizer.CodeBytes + Int4Quantizer.ResidualBytes);

    // What is needed, rounded to 1024 slots, but at least 1.25× the current size so one-by-one enrolment copies
    // a segment a bounded number of times; the slack is at most a quarter of one segment.
    private static int SegmentSize(long needed, int current)
    {
        var grown = Math.Max(needed, current + (current / 4));
        var rounded = (grown + GallerySegment.MinCapacity - 1) / GallerySegment.MinCapacity * GallerySegment.MinCapacity;
        return (int)Math.Clamp(rounded, GallerySegment.MinCapacity, GallerySegment.MaxCapacity);
    }

    public void Dispose()
    {
        foreach (var segment in segments)
        {
            segment.Dispose();
        }

        segments.Clear();
        freeSlots.Clear();
        HighWater = 0;
        Capacity = 0;
    }
}
