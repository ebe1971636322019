using BenchmarkDotNet.Attributes;
using Visage.Gallery;

namespace Visage.Benchmarks.Gallery;

/// <summary>
/// One 1:N search (check-in, top 10, threshold 0.30) against the plain float32 scan, at sizes BenchmarkDotNet
/// handles comfortably; <c>-- gallery</c> (<see cref="GalleryScaleRun"/>) covers 1M templates, percentiles and recall.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class GallerySearchBenchmarks
{
    private static readonly GalleryQuery Query = new(Purposes.CheckIn, TopK: 10, MinScore: 0.30f);
    private GalleryEntry[] entries = null!;
    private float[][] probes = null!;
    private FaceGallery gallery = null!;
    private int next;

    [Params(10_000, 100_000)]
    public int Templates { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = SyntheticGallery.Create(Templates, seed: Templates);
        entries = data.Entries;
        probes = [.. data.Probes(64, 64, seed: Templates + 1).Select(p => p.Probe)];
        gallery = new FaceGallery();
        gallery.AddRange(entries);
    }

    [GlobalCleanup]
    public void Cleanup() => gallery.Dispose();

    [Benchmark(Baseline = true)]
    public int Float32Scan() => ExactScan.Search(entries, NextProbe(), Query).Length;

    [Benchmark]
    public int Search() => gallery.Search(NextProbe(), Query).Count;

    // Genuine and impostor probes in turn, as at a front desk.
    private float[] NextProbe() => probes[next++ % probes.Length];
}
