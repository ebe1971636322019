using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Visage.Protection;

namespace Visage.Benchmarks.Protection;

/// <summary>Protecting one 512-d template: the keyed rotation and AES-256-GCM, against copying its bytes.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class TemplateProtectionBenchmarks
{
    private readonly RecordBinding binding = new(Guid.NewGuid(), Guid.NewGuid(), "template");
    private CancelableTransform transform = null!;
    private float[] template = null!;
    private byte[] dataKey = null!;
    private byte[] sealedTemplate = null!;

    [GlobalSetup]
    public void Setup()
    {
        transform = new CancelableTransform(RandomNumberGenerator.GetBytes(32), 512);
        var random = new Random(1);
        template = Enumerable.Range(0, 512).Select(_ => (float)random.NextDouble()).ToArray();
        dataKey = SubjectDataCipher.NewDataKey();
        sealedTemplate = SubjectDataCipher.Encrypt(dataKey, binding, MemoryMarshal.AsBytes(template.AsSpan()));
    }

    [Benchmark(Baseline = true)]
    public byte[] CopyBytes() => MemoryMarshal.AsBytes(template.AsSpan()).ToArray();

    [Benchmark]
    public float[] Rotate() => transform.Apply(template);

    [Benchmark]
    public byte[] Encrypt() => SubjectDataCipher.Encrypt(dataKey, binding, MemoryMarshal.AsBytes(template.AsSpan()));

    [Benchmark]
    public byte[] Decrypt() => SubjectDataCipher.Decrypt(dataKey, binding, sealedTemplate);
}
