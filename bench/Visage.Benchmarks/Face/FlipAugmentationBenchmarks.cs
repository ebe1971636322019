using BenchmarkDotNet.Attributes;
using Visage.Face;

namespace Visage.Benchmarks.Face;

/// <summary>
/// Image-to-template with flip test-time augmentation against the default engine in the same run (the ratio column is
/// the cost the adoption rule caps at 1.6x).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FlipAugmentationBenchmarks
{
    private FaceEngine standard = null!;
    private FaceEngine flip = null!;
    private byte[] jpeg = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        standard = BenchmarkData.Engine(Threads);
        flip = BenchmarkData.Engine(Threads, flipAugmentation: true);
        jpeg = BenchmarkData.VgaPortraitJpeg();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        standard.Dispose();
        flip.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float ImageToTemplate() => standard.CreateTemplate(jpeg).Embedding.Vector[0];

    [Benchmark]
    public float ImageToTemplateWithFlip() => flip.CreateTemplate(jpeg).Embedding.Vector[0];
}
