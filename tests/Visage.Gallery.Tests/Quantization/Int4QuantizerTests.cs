using System.Numerics.Tensors;
using Visage.Gallery.Quantization;
using Visage.Gallery.Scanning;
using Visage.Gallery.Tests.Support;

namespace Visage.Gallery.Tests.Quantization;

public sealed class Int4QuantizerTests
{
    [Fact]
    public void Quantize_UnitTemplate_StoresItsTrueReconstructionErrors()
    {
        var faces = new SyntheticFaces(seed: 21);
        for (var n = 0; n < 20; n++)
        {
            var x = faces.UnitVector();
            var (code, nibbles, residual) = Quantize(x);
            var coarse = nibbles.Select(c => (c - 7.5) * code.Scale).ToArray();
            var rescored = Enumerable.Range(0, 512).Select(d => (double)(float)((float)((nibbles[d] - 7.5f) * code.Scale) + (residual[d] * code.ResidualScale))).ToArray();
            var codeError = Norm(x, coarse);
            var rescoreError = Norm(x, rescored);

            Assert.InRange(code.RescoreError - rescoreError, 0, 1e-6);
            Assert.InRange(code.CoarseError - (codeError + rescoreError), 0, 3e-6);
            // Protected templates: the coarse code is rough (≈0.12), the rescored form close (≈6e-4).
            Assert.InRange(codeError, 0.05, 0.2);
            Assert.InRange(rescoreError, 1e-4, 1e-3);
            Assert.All(nibbles, c => Assert.InRange(c, 0, 15));
        }
    }

    [Fact]
    public void CoarseBound_RandomPairs_HoldsForEveryPair()
    {
        // |q·x − q̂·x̂| ≤ ‖q‖·‖x − x̂‖ + ‖q − q̂‖·‖x̂‖ is what makes the pruning exact; check it on real codes.
        var faces = new SyntheticFaces(seed: 22);
        var worst = 0.0;
        for (var n = 0; n < 300; n++)
        {
            var x = faces.UnitVector();
            var q = n % 2 == 0 ? faces.UnitVector() : faces.WithCosine(x, 0.3 + (0.002 * n));
            var (code, nibbles, residual) = Quantize(x);
            var bytes = new byte[256];
            Int4Quantizer.Quantize(x, bytes, new sbyte[512]);
            var probe = ProbeCode.Create(q);
            var dot = CoarseScanner.DotScalar(bytes, probe.Codes);
            var coarse = (dot - (7.5f * probe.CodeSum)) * probe.Scale * code.Scale;
            var exact = TensorPrimitives.Dot(x, q);
            var bound = (code.CoarseError * (probe.Norm + probe.CodeError)) + (probe.CodeError * 1.001f) + 2e-5f;

            Assert.True(Math.Abs(exact - coarse) <= bound, $"pair {n}: error {Math.Abs(exact - coarse)} above bound {bound}");
            worst = Math.Max(worst, Math.Abs(exact - coarse) / bound);
            _ = nibbles;
            _ = residual;
        }

        // The bound is worst case: real errors use a small fraction of it.
        Assert.InRange(worst, 0.001, 0.5);
    }

    private static (TemplateCode Code, int[] Nibbles, sbyte[] Residual) Quantize(float[] x)
    {
        var bytes = new byte[256];
        var residual = new sbyte[512];
        var code = Int4Quantizer.Quantize(x, bytes, residual);
        var nibbles = new int[512];
        for (var j = 0; j < 256; j++)
        {
            nibbles[Int4Quantizer.LowComponent(j)] = bytes[j] & 0x0F;
            nibbles[Int4Quantizer.HighComponent(j)] = bytes[j] >> 4;
        }

        return (code, nibbles, residual);
    }

    private static double Norm(float[] x, double[] y) => Math.Sqrt(x.Select((v, d) => (v - y[d]) * (v - y[d])).Sum());
}
