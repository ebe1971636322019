using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Visage.Gallery.Quantization;

/// <summary>
/// Turns a unit template into the two forms the gallery keeps: a 4-bit code per component (256 bytes, scanned for
/// every query) and an 8-bit code of what the 4-bit code misses (512 bytes, read only to rescore candidates).
/// </summary>
/// <remarks>
/// Byte <c>j = 32k + i</c> of the code holds component <c>64k + i</c> in its low nibble and <c>64k + 32 + i</c> in
/// its high nibble, so a 32-byte load splits into two runs of 32 consecutive components and the probe needs no
/// shuffling. The scale is max|x|/7.5, so no component is clipped and every residual is at most a/2.
/// The error norms are computed in double from the very values the scan and the rescorer use, so the bounds built
/// from them hold for every probe, not on average.
/// </remarks>
internal static class Int4Quantizer
{
    public const int CodeBytes = FaceGallery.Dimension / 2;
    public const int ResidualBytes = FaceGallery.Dimension;
    public const float Offset = 7.5f;

    public static int LowComponent(int codeByte) => ((codeByte >> 5) << 6) + (codeByte & 31);

    public static int HighComponent(int codeByte) => LowComponent(codeByte) + 32;

    public static TemplateCode Quantize(ReadOnlySpan<float> x, Span<byte> code, Span<sbyte> residual)
    {
        const int Dimension = FaceGallery.Dimension;
        if (x.Length != Dimension || code.Length != CodeBytes || residual.Length != ResidualBytes)
        {
            throw new ArgumentException("Template, code and residual sizes do not match the gallery dimension.");
        }

        var maxAbs = MathF.Abs(TensorPrimitives.MaxMagnitude(x));
        var scale = maxAbs > 0 ? maxAbs / Offset : 1f;
        Span<float> nibbles = stackalloc float[Dimension];
        Span<float> coarse = stackalloc float[Dimension];
        var inverse = Vector256.Create(1 / scale);
        var scales = Vector256.Create(scale);
        var offset = Vector256.Create(Offset);
        var codeError = Vector256<float>.Zero;
        var maxResidual = Vector256<float>.Zero;
        for (var d = 0; d < Dimension; d += Vector256<float>.Count)
        {
            var value = Vector256.Create(x.Slice(d, Vector256<float>.Count));
            // Any code is valid (the errors below are measured, not assumed); clamping only guards rounding.
            var c = Vector256.Clamp(Vector256.Round((value * inverse) + offset), Vector256<float>.Zero, Vector256.Create(15f));
            var reconstructed = (c - offset) * scales;
            var error = value - reconstructed;
            codeError += error * error;
            maxResidual = Vector256.Max(maxResidual, Vector256.Abs(error));
            c.CopyTo(nibbles.Slice(d));
            reconstructed.CopyTo(coarse.Slice(d));
        }

        // Chunk k of 64 components: the first 32 go to the low nibbles of code bytes 32k…32k+31, the rest high.
        for (var k = 0; k < Dimension / 64; k++)
        {
            var low = Narrow(nibbles.Slice(64 * k, 32)).AsByte();
            var high = Narrow(nibbles.Slice((64 * k) + 32, 32)).AsByte();
            (low | (high << 4)).CopyTo(code.Slice(32 * k));
        }

        var largestResidual = Vector256.Max(maxResidual, Vector256<float>.Zero).ToScalar();
        for (var i = 1; i < Vector256<float>.Count; i++)
        {
            largestResidual = MathF.Max(largestResidual, maxResidual.GetElement(i));
        }

        var residualScale = largestResidual > 0 ? largestResidual / 127f : 1f;
        var residualInverse = Vector256.Create(1 / residualScale);
        var residualScales = Vector256.Create(residualScale);
        var limit = Vector256.Create(127f);
        var rescoreError = Vector256<float>.Zero;
        Span<float> steps = stackalloc float[Dimension];
        for (var d = 0; d < Dimension; d += Vector256<float>.Count)
        {
            var value = Vector256.Create(x.Slice(d, Vector256<float>.Count));
            var reconstructed = Vector256.Create(coarse.Slice(d, Vector256<float>.Count));
            var step = Vector256.Clamp(Vector256.Round((value - reconstructed) * residualInverse), -limit, limit);
            // Exactly the float arithmetic of Rescorer, so the measured error is the rescorer's error.
            var error = value - (reconstructed + (step * residualScales));
            rescoreError += error * error;
            step.CopyTo(steps.Slice(d));
        }

        for (var d = 0; d < Dimension; d += 32)
        {
            Narrow(steps.Slice(d, 32)).CopyTo(residual.Slice(d));
        }

        // Float sums of 512 squares are good to ~1e-6 relative; the margin keeps the stored bounds above the truth.
        var rescore = Math.Sqrt(Vector256.Sum(rescoreError)) * (1 + 1e-5);
        return new TemplateCode(
            scale,
            ErrorBound.RoundUp((Math.Sqrt(Vector256.Sum(codeError)) * (1 + 1e-5)) + rescore),
            residualScale,
            ErrorBound.RoundUp(rescore));
    }

    // 32 integral floats in [-128, 127] to bytes, in order.
    private static Vector256<sbyte> Narrow(ReadOnlySpan<float> values)
    {
        var first = Vector256.Narrow(
            Vector256.ConvertToInt32(Vector256.Create(values[..8])), Vector256.ConvertToInt32(Vector256.Create(values.Slice(8, 8))));
        var second = Vector256.Narrow(
            Vector256.ConvertToInt32(Vector256.Create(values.Slice(16, 8))), Vector256.ConvertToInt32(Vector256.Create(values.Slice(24, 8))));
        return Vector256.Narrow(first, second);
    }
}
