using Visage.Gallery.Scanning;

namespace Visage.Gallery.Tests.Scanning;

public sealed unsafe class CoarseScannerTests
{
    private const int Rows = 64;

    [Theory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void Dots_RandomCodes_EqualScalarKernel(string kernelName)
    {
        var kernel = Enum.Parse<CoarseKernel>(kernelName);
        if (!CoarseScanner.IsSupported(kernel))
        {
            return;
        }

        var (codes, probe) = RandomInputs(seed: 11);
        var scalar = Dots(CoarseKernel.Scalar, codes, probe, Rows);
        var vector = Dots(kernel, codes, probe, Rows);

        Assert.Equal(scalar, vector);
    }

    [Theory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void ScanPair_RandomCodes_EqualScalarDotsAndFlagExactlyTheRowsAtOrAboveTheCut(string kernelName)
    {
        var kernel = Enum.Parse<CoarseKernel>(kernelName);
        if (!CoarseScanner.IsSupported(kernel))
        {
            return;
        }

        var (codes, probe) = RandomInputs(seed: 12);
        var random = new Random(13);
        var scales = Enumerable.Range(0, Rows).Select(_ => 0.02f + (0.005f * (float)random.NextDouble())).ToArray();
        var errors = Enumerable.Range(0, Rows).Select(_ => 0.1f + (0.05f * (float)random.NextDouble())).ToArray();
        var bound = new CoarseBound(OffsetSum: 7.5f * 300, ProbeScale: 0.0013f, PerError: 1.01f, Base: 0.009f);
        var scalar = Dots(CoarseKernel.Scalar, codes, probe, Rows);
        var uppers = Enumerable.Range(0, Rows).Select(i => bound.Coarse(scalar[i], scales[i]) + bound.Bound(errors[i])).ToArray();
        // Cut at the median upper bound, so about half the rows are flagged.
        var cut = uppers.Order().ElementAt(Rows / 2);
        const int Half = Rows / 2;
        var pair = new int[Rows];
        var masks = new byte[Rows / 8];
        var arranged = Arranged(kernel, probe);
        fixed (byte* c = codes)
        fixed (sbyte* q = arranged)
        fixed (int* p = pair)
        fixed (float* sc = scales, er = errors)
        fixed (byte* m = masks)
        {
            CoarseScanner.ScanPair(kernel, c, c + (Half * 256), q, bound, cut, sc, sc + Half, er, er + Half, p, p + Half, m, Half);
        }

        Assert.Equal(scalar, pair);
        for (var i = 0; i < Rows; i++)
        {
            var (run, row) = (i / Half, i % Half);
            var flagged = (masks[row / 4] & (1 << ((run * 4) + (row % 4)))) != 0;
            Assert.Equal(uppers[i] >= cut, flagged);
        }
    }

    [Theory]
    [InlineData("Avx2")]
    [InlineData("Avx512")]
    public void Dots_ExtremeCodes_DoNotSaturate(string kernelName)
    {
        var kernel = Enum.Parse<CoarseKernel>(kernelName);
        if (!CoarseScanner.IsSupported(kernel))
        {
            return;
        }

        // All nibbles 15 against ±127: the largest int16 partial sums a kernel can meet.
        var codes = Enumerable.Repeat((byte)0xFF, 8 * 256).ToArray();
        foreach (var value in new sbyte[] { 127, -127 })
        {
            var dots = Dots(kernel, codes, Enumerable.Repeat(value, 512).ToArray(), 8);
            Assert.All(dots, dot => Assert.Equal(15 * value * 512, dot));
        }
    }

    [Fact]
    public void DotScalar_KnownLayout_PairsLowAndHighNibblesWithTheirComponents()
    {
        var row = new byte[256];
        var probe = new sbyte[512];
        // Byte 33 = chunk 1, position 1: low nibble is component 65, high nibble component 97.
        row[33] = 0x52;
        probe[65] = 3;
        probe[97] = -4;

        Assert.Equal((2 * 3) + (5 * -4), CoarseScanner.DotScalar(row, probe));
    }

    private static int[] Dots(CoarseKernel kernel, byte[] codes, sbyte[] probe, int rows)
    {
        var dots = new int[rows];
        var arranged = Arranged(kernel, probe);
        fixed (byte* c = codes)
        fixed (sbyte* q = arranged)
        fixed (int* d = dots)
        {
            CoarseScanner.Dots(kernel, c, q, d, rows);
        }

        return dots;
    }

    private static sbyte[] Arranged(CoarseKernel kernel, sbyte[] probe)
    {
        var arranged = new sbyte[probe.Length];
        CoarseScanner.Arrange(kernel, probe, arranged);
        return arranged;
    }

    private static (byte[] Codes, sbyte[] Probe) RandomInputs(int seed)
    {
        var random = new Random(seed);
        var codes = new byte[Rows * 256];
        random.NextBytes(codes);
        var probe = Enumerable.Range(0, 512).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        return (codes, probe);
    }
}
