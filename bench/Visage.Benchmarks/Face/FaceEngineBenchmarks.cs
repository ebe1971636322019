using BenchmarkDotNet.Attributes;
using Visage.Face;

namespace Visage.Benchmarks.Face;

/// <summary>Each stage of image-to-template for a single-face VGA portrait, at 1 and 2 ONNX threads.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class FaceEngineBenchmarks
{
    private FaceEngine engine = null!;
    private byte[] jpeg = null!;
    private DecodedImage image = null!;
    private DetectedFace face = null!;
    private AlignedFace aligned = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        engine = BenchmarkData.Engine(Threads);
        jpeg = BenchmarkData.VgaPortraitJpeg();
        image = engine.Decode(jpeg);
        face = engine.Detect(image)[0];
        aligned = FaceEngine.Align(image, face);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        aligned.Dispose();
        image.Dispose();
        engine.Dispose();
    }

    [Benchmark]
    public int Decode()
    {
        using var decoded = engine.Decode(jpeg);
        return decoded.Width;
    }

    [Benchmark]
    public int Detect() => engine.Detect(image).Count;

    [Benchmark]
    public int Align()
    {
        using var result = FaceEngine.Align(image, face);
        return result.Bgr.Width;
    }

    [Benchmark]
    public float Embed() => engine.Embed(aligned).Vector[0];

    [Benchmark]
    public float Liveness() => engine.Liveness.Assess(image, face).LiveScore;

    [Benchmark(Baseline = true)]
    public float ImageToTemplate() => engine.CreateTemplate(jpeg).Embedding.Vector[0];
}
