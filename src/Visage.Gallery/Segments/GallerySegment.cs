using Visage.Gallery.Quantization;

namespace Visage.Gallery.Segments;

/// <summary>
/// Up to 65,536 template slots in structure-of-arrays form: the int4 codes and int8 residuals in unmanaged rows
/// (so the scan streams one contiguous block), the per-template numbers and identifiers in managed arrays.
/// </summary>
/// <remarks>
/// Segments keep every array under 64 MB, and growing the gallery copies at most one segment. Only the last
/// segment of a gallery is ever below full capacity; it grows as it fills. An empty slot is all zeros: its
/// purpose set is empty, so no query can select it.
/// </remarks>
internal sealed unsafe class GallerySegment : IDisposable
{
    public const int SlotBits = 16;
    public const int MaxCapacity = 1 << SlotBits;
    public const int MinCapacity = 1024;

    /// <summary>Bytes held per slot, managed and unmanaged.</summary>
    public const int BytesPerSlot = Int4Quantizer.CodeBytes + Int4Quantizer.ResidualBytes // rows
        + (4 * sizeof(float)) // TemplateCode
        + (2 * 16) // template and subject ids
        + sizeof(byte) // purposes
        + sizeof(int); // next template of the same subject

    private NativeBlock codes;
    private NativeBlock residuals;

    public GallerySegment(int capacity)
    {
        Capacity = capacity;
        codes = new NativeBlock((nuint)capacity * Int4Quantizer.CodeBytes);
        residuals = new NativeBlock((nuint)capacity * Int4Quantizer.ResidualBytes);
        Scales = new float[capacity];
        CoarseErrors = new float[capacity];
        ResidualScales = new float[capacity];
        RescoreErrors = new float[capacity];
        TemplateIds = new Guid[capacity];
        SubjectIds = new Guid[capacity];
        Purposes = new byte[capacity];
        NextInSubject = new int[capacity];
    }

    public int Capacity { get; private set; }

    public float[] Scales { get; private set; }

    public float[] CoarseErrors { get; private set; }

    public float[] ResidualScales { get; private set; }

    public float[] RescoreErrors { get; private set; }

    public Guid[] TemplateIds { get; private set; }

    public Guid[] SubjectIds { get; private set; }

    public byte[] Purposes { get; private set; }

    /// <summary>Links the templates of one subject: the next slot, or -1.</summary>
    public int[] NextInSubject { get; private set; }

    public byte* CodeRow(int offset) => codes.Pointer + ((nint)offset * Int4Quantizer.CodeBytes);

    public sbyte* ResidualRow(int offset) => (sbyte*)(residuals.Pointer + ((nint)offset * Int4Quantizer.ResidualBytes));

    /// <summary>Quantises an entry into a slot.</summary>
    public void Store(int offset, GalleryEntry entry, int nextInSubject)
    {
        var code = Int4Quantizer.Quantize(
            entry.Vector.Span,
            new Span<byte>(CodeRow(offset), Int4Quantizer.CodeBytes),
            new Span<sbyte>(ResidualRow(offset), Int4Quantizer.ResidualBytes));
        Scales[offset] = code.Scale;
        CoarseErrors[offset] = code.CoarseError;
        ResidualScales[offset] = code.ResidualScale;
        RescoreErrors[offset] = code.RescoreError;
        TemplateIds[offset] = entry.TemplateId;
        SubjectIds[offset] = entry.SubjectId;
        Purposes[offset] = (byte)entry.Purposes;
        NextInSubject[offset] = nextInSubject;
    }

    /// <summary>Zeroes a slot: nothing of the deleted template stays in gallery memory.</summary>
    public void Clear(int offset)
    {
        new Span<byte>(CodeRow(offset), Int4Quantizer.CodeBytes).Clear();
        new Span<byte>(ResidualRow(offset), Int4Quantizer.ResidualBytes).Clear();
        Scales[offset] = 0;
        CoarseErrors[offset] = 0;
        ResidualScales[offset] = 0;
        RescoreErrors[offset] = 0;
        TemplateIds[offset] = Guid.Empty;
        SubjectIds[offset] = Guid.Empty;
        Purposes[offset] = 0;
        NextInSubject[offset] = -1;
    }

    public void Grow(int capacity)
    {
        var oldCodes = codes;
        var oldResiduals = residuals;
        codes = new NativeBlock((nuint)capacity * Int4Quantizer.CodeBytes);
        residuals = new NativeBlock((nuint)capacity * Int4Quantizer.ResidualBytes);
        Buffer.MemoryCopy(oldCodes.Pointer, codes.Pointer, (long)codes.Length, (long)oldCodes.Length);
        Buffer.MemoryCopy(oldResiduals.Pointer, residuals.Pointer, (long)residuals.Length, (long)oldResiduals.Length);
        oldCodes.Dispose();
        oldResiduals.Dispose();
        Scales = Resized(Scales, capacity);
        CoarseErrors = Resized(CoarseErrors, capacity);
        ResidualScales = Resized(ResidualScales, capacity);
        RescoreErrors = Resized(RescoreErrors, capacity);
        TemplateIds = Resized(TemplateIds, capacity);
        SubjectIds = Resized(SubjectIds, capacity);
        Purposes = Resized(Purposes, capacity);
        NextInSubject = Resized(NextInSubject, capacity);
        Capacity = capacity;
    }

    public void Dispose()
    {
        codes.Dispose();
        residuals.Dispose();
        Array.Clear(TemplateIds);
        Array.Clear(SubjectIds);
    }

    // The old array is cleared so identifiers do not wait in garbage for the next collection.
    private static T[] Resized<T>(T[] old, int capacity)
    {
        var grown = new T[capacity];
        old.AsSpan().CopyTo(grown);
        Array.Clear(old);
        return grown;
    }
}
