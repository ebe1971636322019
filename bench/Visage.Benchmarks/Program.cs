using BenchmarkDotNet.Running;
using Visage.Benchmarks.Audit;
using Visage.Benchmarks.Deid;
using Visage.Benchmarks.Gallery;
using Visage.Benchmarks.Storage;

// Scale runs that BenchmarkDotNet does not suit take a verb; everything else goes to BenchmarkSwitcher.
if (args.Length > 0 && string.Equals(args[0], "gallery", StringComparison.Ordinal))
{
    return GalleryScaleRun.Run(args[1..]);
}

if (args.Length > 0 && string.Equals(args[0], "audit", StringComparison.Ordinal))
{
    return await AuditThroughputRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && string.Equals(args[0], "gallery-load", StringComparison.Ordinal))
{
    return await GalleryLoadRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && string.Equals(args[0], "deid-peers", StringComparison.Ordinal))
{
    // The lead passes our DICOM de-identifier here (key => new ...); null reports it as not wired.
    return await DeidPeerComparisonRunner.RunAsync(args[1..], ours: null);
}

if (args.Length > 0 && string.Equals(args[0], "deid-photo-peers", StringComparison.Ordinal))
{
    return await PhotoPeerComparisonRunner.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
