using Visage.Gallery.Scanning;

namespace Visage.Gallery.Tests.Scanning;

public sealed unsafe class CoarseScannerTests
{
    private const int Rows = 64;

    [Fact]
    public void DotsAvx2_RandomCodes_EqualScalarKernel()
    {
        if (!CoarseScanner.Avx2Supported)
        {
            return;
        }

        var (codes, probe) = RandomInputs(seed: 11);
        var scalar = new int[Rows];
        var vector = new int[Rows];
        fixed (byte* c = codes)
        fixed (sbyte* q = probe)
        fixed (int* s = scalar, v = vector)
        {
            CoarseScanner.DotsScalar(c, q, s, Rows);
            CoarseScanner.DotsAvx2(c, q, v, Rows);
        }

        Assert.Equal(scalar, vector);
    }

    [Fact]
    public void ScanPairAvx2_RandomCodes_EqualScalarDotsAndFlagExactlyTheRowsAtOrAboveTheCut()
    {
        if (!CoarseScanner.Avx2Supported)
        {
            return;
        }

        var (codes, probe) = RandomInputs(seed: 12);
        var random = new Random(13);
        var scales = Enumerable.Range(0, Rows).Select(_ => 0.02f + (0.005f * (float)random.NextDouble())).ToArray();
        var errors = Enumerable.Range(0, Rows).Select(_ => 0.1f + (0.05f * (float)random.NextDouble())).ToArray();
        var bound = new CoarseBound(OffsetSum: 7.5f * 300, ProbeScale: 0.0013f, PerError: 1.01f, Base: 0.009f);
        var scalar = new int[Rows];
        var pair = new int[Rows];
        var masks = new byte[Rows / 8];
        const int Half = Rows / 2;
        // Cut at the median upper bound, so about half the rows are flagged.
        fixed (byte* c = codes)
        fixed (sbyte* q = probe)
        fixed (int* s = scalar, p = pair)
        {
            CoarseScanner.DotsScalar(c, q, s, Rows);
        }

        var uppers = Enumerable.Range(0, Rows).Select(i => bound.Coarse(scalar[i], scales[i]) + bound.Bound(errors[i])).ToArray();
        var cut = uppers.Order().ElementAt(Rows / 2);
        fixed (byte* c = codes)
        fixed (sbyte* q = probe)
        fixed (int* p = pair)
        fixed (float* sc = scales, er = errors)
        fixed (byte* m = masks)
        {
            CoarseScanner.ScanPairAvx2(c, c + (Half * 256), q, bound, cut, sc, sc + Half, er, er + Half, p, p + Half, m, Half);
        }

        Assert.Equal(scalar, pair);
        for (var i = 0; i < Rows; i++)
        {
            var (run, row) = (i / Half, i % Half);
            var flagged = (masks[row / 4] & (1 << ((run * 4) + (row % 4)))) != 0;
            Assert.Equal(uppers[i] >= cut, flagged);
        }
    }

    [Fact]
    public void DotsAvx2_ExtremeCodes_DoNotSaturate()
    {
        if (!CoarseScanner.Avx2Supported)
        {
            return;
        }

        // All nibbles 15 against ±127: the largest int16 partial sums the kernel can meet.
        var codes = Enumerable.Repeat((byte)0xFF, 8 * 256).ToArray();
        foreach (var value in new sbyte[] { 127, -127 })
        {
            var probe = Enumerable.Repeat(value, 512).ToArray();
            var dots = new int[8];
            fixed (byte* c = codes)
            fixed (sbyte* q = probe)
            fixed (int* d = dots)
            {
                CoarseScanner.DotsAvx2(c, q, d, 8);
            }

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

    private static (byte[] Codes, sbyte[] Probe) RandomInputs(int seed)
    {
        var random = new Random(seed);
        var codes = new byte[Rows * 256];
        random.NextBytes(codes);
        var probe = Enumerable.Range(0, 512).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        return (codes, probe);
    }
}
