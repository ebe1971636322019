using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Visage.Gallery.Quantization;

namespace Visage.Gallery.Scanning;

/// <summary>
/// Integer dot products between int4 template codes and an int8 probe code: Σ nibble·probe over 512 components.
/// Every kernel returns the same integers, so the coarse scores do not depend on the CPU.
/// </summary>
/// <remarks>
/// The scan reads 256 bytes per template and is bound by memory bandwidth, not arithmetic. One core streams about
/// 40% more bytes per second from two independent sequential streams than from one, hence the paired kernel.
/// </remarks>
internal static unsafe class CoarseScanner
{
    private const int RowBytes = Int4Quantizer.CodeBytes;

    public static bool Avx2Supported => Avx2.IsSupported;

    /// <summary>
    /// Dot products of <paramref name="count"/> rows (a multiple of 4) from each of two runs, with the bound check
    /// fused in: one byte per group of four rows from each run, bit i set when the upper bound of lane i (rows A
    /// 0–3, then B 0–3) reaches <paramref name="cut"/>. Saves a second pass over the dot products, rarely needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScanPairAvx2(
        byte* rowsA, byte* rowsB, sbyte* probe, CoarseBound bound, float cut,
        float* scalesA, float* scalesB, float* errorsA, float* errorsB, int* dotsA, int* dotsB, byte* masks, int count)
    {
        var offsetSum = Vector256.Create(bound.OffsetSum);
        var probeScale = Vector256.Create(bound.ProbeScale);
        var perError = Vector256.Create(bound.PerError);
        var boundBase = Vector256.Create(bound.Base);
        var cuts = Vector256.Create(cut);
        for (var t = 0; t < count; t += 4)
        {
            var a = rowsA + ((nint)t * RowBytes);
            var b = rowsB + ((nint)t * RowBytes);
            var sums = Reduce(
                RowAvx2(a, probe), RowAvx2(a + RowBytes, probe), RowAvx2(a + (2 * RowBytes), probe), RowAvx2(a + (3 * RowBytes), probe),
                RowAvx2(b, probe), RowAvx2(b + RowBytes, probe), RowAvx2(b + (2 * RowBytes), probe), RowAvx2(b + (3 * RowBytes), probe));
            sums.GetLower().Store(dotsA + t);
            sums.GetUpper().Store(dotsB + t);
            var scales = Vector256.Create(Vector128.Load(scalesA + t), Vector128.Load(scalesB + t));
            var errors = Vector256.Create(Vector128.Load(errorsA + t), Vector128.Load(errorsB + t));
            // Same operations, in the same order, as CoarseBound: the scalar recheck sees identical values.
            var coarse = (Vector256.ConvertToSingle(sums) - offsetSum) * probeScale * scales;
            var upper = coarse + ((errors * perError) + boundBase);
            masks[t / 4] = (byte)Vector256.GreaterThanOrEqual(upper, cuts).ExtractMostSignificantBits();
        }
    }

    /// <summary>Dot products of <paramref name="count"/> consecutive rows; count must be a multiple of 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DotsAvx2(byte* rows, sbyte* probe, int* dots, int count)
    {
        for (var t = 0; t < count; t += 8)
        {
            var a = rows + ((nint)t * RowBytes);
            var sums = Reduce(
                RowAvx2(a, probe), RowAvx2(a + RowBytes, probe), RowAvx2(a + (2 * RowBytes), probe), RowAvx2(a + (3 * RowBytes), probe),
                RowAvx2(a + (4 * RowBytes), probe), RowAvx2(a + (5 * RowBytes), probe), RowAvx2(a + (6 * RowBytes), probe), RowAvx2(a + (7 * RowBytes), probe));
            sums.Store(dots + t);
        }
    }

    /// <summary>The portable kernel, and the reference the vector kernels are tested against.</summary>
    public static void DotsScalar(byte* rows, sbyte* probe, int* dots, int count)
    {
        for (var t = 0; t < count; t++)
        {
            dots[t] = DotScalar(new ReadOnlySpan<byte>(rows + ((nint)t * RowBytes), RowBytes), new ReadOnlySpan<sbyte>(probe, FaceGallery.Dimension));
        }
    }

    public static int DotScalar(ReadOnlySpan<byte> row, ReadOnlySpan<sbyte> probe)
    {
        var sum = 0;
        for (var j = 0; j < RowBytes; j++)
        {
            sum += ((row[j] & 0x0F) * probe[Int4Quantizer.LowComponent(j)]) + ((row[j] >> 4) * probe[Int4Quantizer.HighComponent(j)]);
        }

        return sum;
    }

    // Eight int32 partial sums of one row. MultiplyAddAdjacent (vpmaddubsw) multiplies the unsigned nibbles by the
    // signed probe bytes and adds pairs into int16: at most 2·15·127 = 3810 per pair, so four 32-byte chunks
    // (eight pairs per lane, ≤ 30480) fit in int16 before widening to int32.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> RowAvx2(byte* row, sbyte* probe)
    {
        var nibble = Vector256.Create((byte)0x0F);
        var first = Vector256<short>.Zero;
        var second = Vector256<short>.Zero;
        for (var k = 0; k < 4; k++)
        {
            var packed = Avx.LoadVector256(row + (k * 32));
            first = Avx2.Add(first, Avx2.MultiplyAddAdjacent(Avx2.And(packed, nibble), Avx.LoadVector256(probe + (k * 64))));
            var high = Avx2.And(Avx2.ShiftRightLogical(packed.AsUInt16(), 4).AsByte(), nibble);
            first = Avx2.Add(first, Avx2.MultiplyAddAdjacent(high, Avx.LoadVector256(probe + (k * 64) + 32)));
        }

        for (var k = 4; k < 8; k++)
        {
            var packed = Avx.LoadVector256(row + (k * 32));
            second = Avx2.Add(second, Avx2.MultiplyAddAdjacent(Avx2.And(packed, nibble), Avx.LoadVector256(probe + (k * 64))));
            var high = Avx2.And(Avx2.ShiftRightLogical(packed.AsUInt16(), 4).AsByte(), nibble);
            second = Avx2.Add(second, Avx2.MultiplyAddAdjacent(high, Avx.LoadVector256(probe + (k * 64) + 32)));
        }

        var ones = Vector256.Create((short)1);
        return Avx2.Add(Avx2.MultiplyAddAdjacent(first, ones), Avx2.MultiplyAddAdjacent(second, ones));
    }

    // Horizontal sums of eight rows at once: [Σd0, Σd1, …, Σd7].
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Reduce(
        Vector256<int> d0, Vector256<int> d1, Vector256<int> d2, Vector256<int> d3,
        Vector256<int> d4, Vector256<int> d5, Vector256<int> d6, Vector256<int> d7)
    {
        var h0123 = Avx2.HorizontalAdd(Avx2.HorizontalAdd(d0, d1), Avx2.HorizontalAdd(d2, d3));
        var h4567 = Avx2.HorizontalAdd(Avx2.HorizontalAdd(d4, d5), Avx2.HorizontalAdd(d6, d7));
        return Avx2.Add(Avx2.Permute2x128(h0123, h4567, 0x20), Avx2.Permute2x128(h0123, h4567, 0x31));
    }
}
