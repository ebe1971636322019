using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Visage.Gallery.Quantization;
using Visage.Gallery.Segments;

namespace Visage.Gallery.Scanning;

/// <summary>
/// The reported score: the float probe against x̃ = (c − 7.5)·a + r·s rebuilt from the int4 code and the int8
/// residual. |score − exact| ≤ ‖q‖·RescoreError + Slack, about 5e-4 at worst and a few 1e-5 in practice.
/// </summary>
internal static unsafe class Rescorer
{
    /// <summary>How many candidates ahead to prefetch: rows are scattered, a rescore is mostly waiting for them.</summary>
    public const int PrefetchDistance = 4;

    public static void Prefetch(GallerySegment segment, int offset)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var code = segment.CodeRow(offset);
        for (var line = 0; line < Int4Quantizer.CodeBytes; line += 64)
        {
            Sse.Prefetch0(code + line);
        }

        var residual = (byte*)segment.ResidualRow(offset);
        for (var line = 0; line < Int4Quantizer.ResidualBytes; line += 64)
        {
            Sse.Prefetch0(residual + line);
        }
    }

    public static float Score(GallerySegment segment, int offset, float[] probe)
    {
        var code = segment.CodeRow(offset);
        var residual = segment.ResidualRow(offset);
        var scale = segment.Scales[offset];
        var residualScale = segment.ResidualScales[offset];
        fixed (float* q = probe)
        {
            return Avx2.IsSupported
                ? ScoreAvx2(code, residual, scale, residualScale, q)
                : ScoreScalar(code, residual, scale, residualScale, q);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ScoreAvx2(byte* code, sbyte* residual, float scale, float residualScale, float* q)
    {
        // Nibbles back into component order first; then 8 components at a time through widening loads.
        var nibbles = stackalloc byte[FaceGallery.Dimension];
        var mask = Vector256.Create((byte)0x0F);
        for (var k = 0; k < 8; k++)
        {
            var packed = Avx.LoadVector256(code + (k * 32));
            Avx.Store(nibbles + (k * 64), Avx2.And(packed, mask));
            Avx.Store(nibbles + (k * 64) + 32, Avx2.And(Avx2.ShiftRightLogical(packed.AsUInt16(), 4).AsByte(), mask));
        }

        var a = Vector256.Create(scale);
        var s = Vector256.Create(residualScale);
        var offset = Vector256.Create(Int4Quantizer.Offset);
        var sum0 = Vector256<float>.Zero;
        var sum1 = Vector256<float>.Zero;
        for (var d = 0; d < FaceGallery.Dimension; d += 16)
        {
            sum0 += Component(nibbles + d, residual + d, a, s, offset) * Avx.LoadVector256(q + d);
            sum1 += Component(nibbles + d + 8, residual + d + 8, a, s, offset) * Avx.LoadVector256(q + d + 8);
        }

        return Vector256.Sum(sum0 + sum1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Component(byte* nibbles, sbyte* residual, Vector256<float> a, Vector256<float> s, Vector256<float> offset)
    {
        var c = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(nibbles));
        var r = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(residual));
        return ((c - offset) * a) + (r * s);
    }

    private static float ScoreScalar(byte* code, sbyte* residual, float scale, float residualScale, float* q)
    {
        double sum = 0;
        for (var j = 0; j < Int4Quantizer.CodeBytes; j++)
        {
            var low = Int4Quantizer.LowComponent(j);
            var high = Int4Quantizer.HighComponent(j);
            var xLow = (((code[j] & 0x0F) - Int4Quantizer.Offset) * scale) + (residual[low] * residualScale);
            var xHigh = (((code[j] >> 4) - Int4Quantizer.Offset) * scale) + (residual[high] * residualScale);
            sum += ((double)xLow * q[low]) + ((double)xHigh * q[high]);
        }

        return (float)sum;
    }
}
