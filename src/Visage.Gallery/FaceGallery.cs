using Visage.Gallery.Quantization;
using Visage.Gallery.Scanning;
using Visage.Gallery.Segments;

namespace Visage.Gallery;

/// <summary>
/// The in-memory 1:N gallery of protected face templates: exact-cosine search with consent (purpose) and subject
/// filters, and 1:1 verification against one subject.
/// </summary>
/// <remarks>
/// Each template is kept as a 4-bit code (scanned for every query) plus an 8-bit residual (read only to rescore
/// candidates), about 900 bytes with its identifiers and indexes; the float vector itself is not kept. Error bounds computed
/// per template make the pruning exact: every template whose exact cosine reaches the query threshold is
/// returned. Searches run concurrently; adds and removals are exclusive.
/// </remarks>
public sealed class FaceGallery : IDisposable
{
    /// <summary>Template length the gallery accepts.</summary>
    public const int Dimension = 512;

    // Bytes per entry of Dictionary<Guid, int>: hash, next, key, value, plus its bucket.
    private const int DictionaryBytesPerEntry = 4 + 4 + 16 + 4 + 4;

    // Not disposed with the gallery: a search blocked on it would fail with an unrelated error. It holds no
    // unmanaged resources until contended, and those are finalizable.
    private readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    private readonly SlotTable slots = new();
    private readonly Dictionary<Guid, int> templateSlots = [];

    // First slot of each subject's template list; the list continues through GallerySegment.NextInSubject.
    private readonly Dictionary<Guid, int> subjectHeads = [];
    private float maxRescoreError;
    private bool disposed;

    /// <summary>Templates in the gallery.</summary>
    public int Count => Read(() => templateSlots.Count);

    /// <summary>Subjects with at least one template.</summary>
    public int SubjectCount => Read(() => subjectHeads.Count);

    /// <summary>Memory held by the gallery's structures (codes, residuals, per-template numbers, ids, indexes).</summary>
    public long ApproximateBytes => Read(BytesHeld);

    /// <summary><see cref="ApproximateBytes"/> divided by <see cref="Count"/>.</summary>
    public double BytesPerTemplate => Read(() => templateSlots.Count == 0 ? 0 : (double)BytesHeld() / templateSlots.Count);

    /// <summary>The coarse-scan instruction set; tests choose the slower ones to compare them with the best.</summary>
    internal CoarseKernel Kernel { get; init; } = CoarseScanner.Best;

    /// <summary>The unmanaged part of <see cref="ApproximateBytes"/>, for memory measurements.</summary>
    internal long UnmanagedBytes => Read(() => slots.UnmanagedBytes);

    /// <summary>Slots ever handed out, for tests of slot reuse.</summary>
    internal int HighWater => Read(() => slots.HighWater);

    /// <summary>For tests: whether every byte and number of a slot is zero.</summary>
    internal unsafe bool IsSlotZeroed(int slot) => Read(() =>
    {
        var segment = slots.SegmentFor(slot);
        var offset = SlotTable.OffsetOf(slot);
        return !new ReadOnlySpan<byte>(segment.CodeRow(offset), Int4Quantizer.CodeBytes).ContainsAnyExcept((byte)0)
            && !new ReadOnlySpan<byte>(segment.ResidualRow(offset), Int4Quantizer.ResidualBytes).ContainsAnyExcept((byte)0)
            && segment.Scales[offset] == 0 && segment.CoarseErrors[offset] == 0 && segment.ResidualScales[offset] == 0
            && segment.RescoreErrors[offset] == 0 && segment.Purposes[offset] == 0
            && segment.TemplateIds[offset] == Guid.Empty && segment.SubjectIds[offset] == Guid.Empty;
    });

    /// <summary>For tests: the slot holding a template.</summary>
    internal int? SlotOf(Guid templateId) => Read(() => templateSlots.TryGetValue(templateId, out var slot) ? slot : (int?)null);

    public void Add(GalleryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        AddRange([entry]);
    }

    /// <summary>Adds all entries or, if any is invalid or already present, none.</summary>
    /// <remarks>
    /// Entries are validated before the gallery is locked and quantised on all cores while it is, so one loader
    /// already uses the machine; searches wait for a batch (about 1 µs per entry per core).
    /// </remarks>
    public void AddRange(IEnumerable<GalleryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var batch = entries.ToArray();
        var ids = new HashSet<Guid>(batch.Length);
        foreach (var entry in batch)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(entries));
            if (!ids.Add(entry.TemplateId))
            {
                throw new ArgumentException($"Template {entry.TemplateId} appears twice in the batch.", nameof(entries));
            }
        }

        ParallelRanges.For(batch.Length, i => Validate(batch[i]));
        gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            foreach (var entry in batch)
            {
                if (templateSlots.ContainsKey(entry.TemplateId))
                {
                    throw new ArgumentException($"Template {entry.TemplateId} is already in the gallery.", nameof(entries));
                }
            }

            // Nothing below can fail, so the batch goes in whole.
            slots.Reserve(batch.Length);
            var batchSlots = new int[batch.Length];
            var links = new int[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                batchSlots[i] = slots.Take();
                links[i] = subjectHeads.TryGetValue(batch[i].SubjectId, out var head) ? head : -1;
                subjectHeads[batch[i].SubjectId] = batchSlots[i];
                templateSlots.Add(batch[i].TemplateId, batchSlots[i]);
            }

            ParallelRanges.For(batch.Length, i => slots.SegmentFor(batchSlots[i]).Store(SlotTable.OffsetOf(batchSlots[i]), batch[i], links[i]));
            foreach (var slot in batchSlots)
            {
                maxRescoreError = MathF.Max(maxRescoreError, slots.SegmentFor(slot).RescoreErrors[SlotTable.OffsetOf(slot)]);
            }
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Removes one template and zeroes its slot. False if it is not in the gallery.</summary>
    public bool RemoveTemplate(Guid templateId)
    {
        gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!templateSlots.Remove(templateId, out var slot))
            {
                return false;
            }

            var segment = slots.SegmentFor(slot);
            var offset = SlotTable.OffsetOf(slot);
            Unlink(segment.SubjectIds[offset], slot, segment.NextInSubject[offset]);
            slots.Release(slot);
            return true;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Removes every template of a subject and zeroes their slots; returns how many there were.</summary>
    public int RemoveSubject(Guid subjectId)
    {
        gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!subjectHeads.Remove(subjectId, out var slot))
            {
                return 0;
            }

            var removed = 0;
            while (slot >= 0)
            {
                var segment = slots.SegmentFor(slot);
                var offset = SlotTable.OffsetOf(slot);
                var next = segment.NextInSubject[offset];
                templateSlots.Remove(segment.TemplateIds[offset]);
                slots.Release(slot);
                removed++;
                slot = next;
            }

            return removed;
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// The best subjects for a probe, best first: at most <see cref="GalleryQuery.TopK"/>, each with its best
    /// template among those consented for the query's purpose.
    /// </summary>
    public IReadOnlyList<GalleryMatch> Search(ReadOnlySpan<float> probe, GalleryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        UnitVector.Validate(probe, nameof(probe));
        RequireSinglePurpose(query.Purpose, nameof(query));
        if (query.TopK < 1)
        {
            throw new ArgumentException("TopK must be at least 1.", nameof(query));
        }

        if (!(query.MinScore >= -1 && query.MinScore <= 1))
        {
            throw new ArgumentException("MinScore must be a cosine between -1 and 1.", nameof(query));
        }

        var code = ProbeCode.Create(probe);
        gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (templateSlots.Count == 0)
            {
                return [];
            }

            var search = new GallerySearch(slots, code, query, Math.Min(query.TopK, templateSlots.Count), maxRescoreError)
            {
                Kernel = Kernel,
            };

            // A short candidate list (today's appointments) is cheaper to rescore directly than to scan for.
            return query.Subjects is { } subset && SubsetSlots(subset) is { } subsetSlots
                ? search.RescoreOnly(subsetSlots)
                : search.ScanAll();
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    /// <summary>1:1: the subject's best score over its templates consented for the purpose, or null if it has none.</summary>
    public float? Verify(ReadOnlySpan<float> probe, Guid subjectId, Purposes purpose)
    {
        UnitVector.Validate(probe, nameof(probe));
        RequireSinglePurpose(purpose, nameof(purpose));
        var vector = probe.ToArray();
        gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            float? best = null;
            var slot = subjectHeads.GetValueOrDefault(subjectId, -1);
            while (slot >= 0)
            {
                var segment = slots.SegmentFor(slot);
                var offset = SlotTable.OffsetOf(slot);
                if ((segment.Purposes[offset] & (byte)purpose) != 0)
                {
                    var score = Rescorer.Score(segment, offset, vector);
                    best = best is null ? score : MathF.Max(best.Value, score);
                }

                slot = segment.NextInSubject[offset];
            }

            return best;
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    public void Dispose()
    {
        gate.EnterWriteLock();
        try
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            slots.Dispose();
            templateSlots.Clear();
            subjectHeads.Clear();
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    private static void Validate(GalleryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.TemplateId == Guid.Empty || entry.SubjectId == Guid.Empty)
        {
            throw new ArgumentException("Template and subject ids must not be empty.", nameof(entry));
        }

        if (!PurposeCodes.IsTemplateSet(entry.Purposes))
        {
            throw new ArgumentException("A template must carry at least one recognition purpose, and only recognition purposes.", nameof(entry));
        }

        UnitVector.Validate(entry.Vector.Span, nameof(entry));
    }

    private static void RequireSinglePurpose(Purposes purpose, string paramName)
    {
        if (!PurposeCodes.IsOneRecognitionPurpose(purpose))
        {
            throw new ArgumentException("A query names exactly one recognition purpose.", paramName);
        }
    }

    // The slots of a subset's subjects, or null when there are too many for rescoring them all to beat a scan.
    private List<int>? SubsetSlots(IReadOnlySet<Guid> subset)
    {
        // Rescoring one template costs about as much as scanning 30.
        var limit = Math.Max(1024, templateSlots.Count / 32);
        if (subset.Count > limit)
        {
            return null;
        }

        var found = new List<int>();
        foreach (var subject in subset)
        {
            var slot = subjectHeads.GetValueOrDefault(subject, -1);
            while (slot >= 0)
            {
                if (found.Count == limit)
                {
                    return null;
                }

                found.Add(slot);
                slot = slots.SegmentFor(slot).NextInSubject[SlotTable.OffsetOf(slot)];
            }
        }

        return found;
    }

    // Takes a slot out of its subject's list; drops the subject when it was the last one.
    private void Unlink(Guid subjectId, int slot, int next)
    {
        var head = subjectHeads[subjectId];
        if (head == slot)
        {
            if (next >= 0)
            {
                subjectHeads[subjectId] = next;
            }
            else
            {
                subjectHeads.Remove(subjectId);
            }

            return;
        }

        var previous = head;
        while (true)
        {
            var segment = slots.SegmentFor(previous);
            var offset = SlotTable.OffsetOf(previous);
            if (segment.NextInSubject[offset] == slot)
            {
                segment.NextInSubject[offset] = next;
                return;
            }

            previous = segment.NextInSubject[offset];
        }
    }

    // EnsureCapacity(0) only reports the current capacity.
    private long BytesHeld() =>
        slots.Bytes + ((long)(templateSlots.EnsureCapacity(0) + subjectHeads.EnsureCapacity(0)) * DictionaryBytesPerEntry);

    private T Read<T>(Func<T> read)
    {
        gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return read();
        }
        finally
        {
            gate.ExitReadLock();
        }
    }
}
