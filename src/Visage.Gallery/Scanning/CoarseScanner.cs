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
/// The scan reads 256 bytes per template and is bound by memory bandwidth more than by arithmetic. One core
/// streams about 40% more bytes per second from two independent sequential runs than from one, hence the paired
/// kernel; fewer instructions per row (AVX-512) keep more loads in flight.
/// </remarks>
internal static unsafe class CoarseScanner
{
    private const int RowBytes = Int4Quantizer.CodeBytes;

    /// <summary>The fastest kernel this CPU runs.</summary>
    public static CoarseKernel Best { get; } =
        Avx512BW.IsSupported ? CoarseKernel.Avx512 : Avx2.IsSupported ? CoarseKernel.Avx2 : CoarseKernel.Scalar;

    public static bool IsSupported(CoarseKernel kernel) => kernel switch
    {
        CoarseKernel.Avx512 => Avx512BW.IsSupported,
        CoarseKernel.Avx2 => Avx2.IsSupported,
        _ => true,
    };

    /// <summary>
    /// Puts the probe code in the order a kernel reads it. Scalar and AVX2 use component order. AVX-512 loads
    /// 64 code bytes (components 128m … 128m + 127) at once: its low nibbles hold components 128m + 0…31 and
    /// 128m + 64…95, its high nibbles 128m + 32…63 and 128m + 96…127, so the probe is regrouped to match.
    /// </summary>
    public static void Arrange(CoarseKernel kernel, ReadOnlySpan<sbyte> probe, Span<sbyte> arranged)
    {
        if (kernel != CoarseKernel.Avx512)
        {
            probe.CopyTo(arranged);
            return;
        }

        for (var block = 0; block < FaceGallery.Dimension; block += 128)
        {
            probe.Slice(block, 32).CopyTo(arranged.Slice(block));
            probe.Slice(block + 64, 32).CopyTo(arranged.Slice(block + 32));
            probe.Slice(block + 32, 32).CopyTo(arranged.Slice(block + 64));
            probe.Slice(block + 96, 32).CopyTo(arranged.Slice(block + 96));
        }
    }

    /// <summary>
    /// Dot products of <paramref name="count"/> rows (a multiple of 4) from each of two runs, with the bound check
    /// fused in: one byte per group of four rows from each run, bit i set when the upper bound of lane i (rows A
    /// 0–3, then B 0–3) reaches <paramref name="cut"/>. Saves a second pass over the dot products, rarely needed.
    /// The probe is arranged for <paramref name="kernel"/>, which is AVX2 or AVX-512.
    /// </summary>
    public static void ScanPair(
        CoarseKernel kernel, byte* rowsA, byte* rowsB, sbyte* probe, CoarseBound bound, float cut,
        float* scalesA, float* scalesB, float* errorsA, float* errorsB, int* dotsA, int* dotsB, byte* masks, int count)
    {
        if (kernel == CoarseKernel.Avx512)
        {
            ScanPair<Avx512Rows>(rowsA, rowsB, probe, bound, cut, scalesA, scalesB, errorsA, errorsB, dotsA, dotsB, masks, count);
        }
        else
        {
            ScanPair<Avx2Rows>(rowsA, rowsB, probe, bound, cut, scalesA, scalesB, errorsA, errorsB, dotsA, dotsB, masks, count);
        }
    }

    /// <summary>Dot products of <paramref name="count"/> consecutive rows (a multiple of 8), probe arranged for the kernel.</summary>
    public static void Dots(CoarseKernel kernel, byte* rows, sbyte* probe, int* dots, int count)
    {
        switch (kernel)
        {
            case CoarseKernel.Avx512:
                Dots<Avx512Rows>(rows, probe, dots, count);
                break;
            case CoarseKernel.Avx2:
                Dots<Avx2Rows>(rows, probe, dots, count);
                break;
            default:
                for (var t = 0; t < count; t++)
                {
                    dots[t] = DotScalar(new ReadOnlySpan<byte>(rows + ((nint)t * RowBytes), RowBytes), new ReadOnlySpan<sbyte>(probe, FaceGallery.Dimension));
                }

                break;
        }
    }

    /// <summary>The portable kernel, and the reference the vector kernels are tested against.</summary>
    public static int DotScalar(ReadOnlySpan<byte> row, ReadOnlySpan<sbyte> probe)
    {
        var sum = 0;
        for (var j = 0; j < RowBytes; j++)
        {
            sum += ((row[j] & 0x0F) * probe[Int4Quantizer.LowComponent(j)]) + ((row[j] >> 4) * probe[Int4Quantizer.HighComponent(j)]);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScanPair<TRows>(
        byte* rowsA, byte* rowsB, sbyte* probe, CoarseBound bound, float cut,
        float* scalesA, float* scalesB, float* errorsA, float* errorsB, int* dotsA, int* dotsB, byte* masks, int count)
        where TRows : struct, IRowKernel
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
                TRows.Row(a, probe), TRows.Row(a + RowBytes, probe), TRows.Row(a + (2 * RowBytes), probe), TRows.Row(a + (3 * RowBytes), probe),
                TRows.Row(b, probe), TRows.Row(b + RowBytes, probe), TRows.Row(b + (2 * RowBytes), probe), TRows.Row(b + (3 * RowBytes), probe));
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots<TRows>(byte* rows, sbyte* probe, int* dots, int count)
        where TRows : struct, IRowKernel
    {
        for (var t = 0; t < count; t += 8)
        {
            var a = rows + ((nint)t * RowBytes);
            var sums = Reduce(
                TRows.Row(a, probe), TRows.Row(a + RowBytes, probe), TRows.Row(a + (2 * RowBytes), probe), TRows.Row(a + (3 * RowBytes), probe),
                TRows.Row(a + (4 * RowBytes), probe), TRows.Row(a + (5 * RowBytes), probe), TRows.Row(a + (6 * RowBytes), probe), TRows.Row(a + (7 * RowBytes), probe));
            sums.Store(dots + t);
        }
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

    /// <summary>Eight int32 partial sums of one row's dot product; the JIT specialises and inlines per kernel.</summary>
    private interface IRowKernel
    {
        static abstract Vector256<int> Row(byte* row, sbyte* probe);
    }

    // MultiplyAddAdjacent (vpmaddubsw) multiplies the unsigned nibbles by the signed probe bytes and adds pairs into
    // int16: at most 2·15·127 = 3810 per pair, so eight pairs per lane (≤ 30480) fit before widening to int32.
    private readonly struct Avx2Rows : IRowKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Row(byte* row, sbyte* probe)
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
    }

    // The same on 64-byte chunks: eight vpmaddubsw per row into one int16 accumulator (eight pairs per lane).
    private readonly struct Avx512Rows : IRowKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Row(byte* row, sbyte* probe)
        {
            var nibble = Vector512.Create((byte)0x0F);
            var sum = Vector512<short>.Zero;
            for (var k = 0; k < 4; k++)
            {
                var packed = Avx512F.LoadVector512(row + (k * 64));
                sum = Avx512BW.Add(sum, Avx512BW.MultiplyAddAdjacent(Avx512F.And(packed, nibble), Avx512F.LoadVector512(probe + (k * 128))));
                var high = Avx512F.And(Avx512BW.ShiftRightLogical(packed.AsUInt16(), 4).AsByte(), nibble);
                sum = Avx512BW.Add(sum, Avx512BW.MultiplyAddAdjacent(high, Avx512F.LoadVector512(probe + (k * 128) + 64)));
            }

            var wide = Avx512BW.MultiplyAddAdjacent(sum, Vector512.Create((short)1));
            return Avx2.Add(wide.GetLower(), wide.GetUpper());
        }
    }
}
