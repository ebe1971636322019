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
    // Ours built as the CLI builds them: default and --no-pixel-clean.
    using var engine = new Visage.Face.FaceEngine(new Visage.Face.FaceEngineOptions(), Visage.Face.ModelStore.OpenDefault(null));
    var ocr = new Visage.Deid.Text.TesseractOcr();
    return await DeidPeerComparisonRunner.RunAsync(args[1..], DeidPeerConfigurations.Ours(engine, ocr));
}

if (args.Length > 0 && string.Equals(args[0], "deid-audit", StringComparison.Ordinal))
{
    using var engine = new Visage.Face.FaceEngine(new Visage.Face.FaceEngineOptions(), Visage.Face.ModelStore.OpenDefault(null));
    var ocr = new Visage.Deid.Text.TesseractOcr();
    var noPixelClean = DeidPeerConfigurations.Ours(engine, ocr)[0];
    return await DeidAuditCostRunner.RunAsync(args[1..], [("pass-through copy (worst case)", _ => new PassThroughDeidentifier()), ("Visage --no-pixel-clean", noPixelClean.Create)]);
}

if (args.Length > 0 && string.Equals(args[0], "liveness-active", StringComparison.Ordinal))
{
    return Visage.Benchmarks.Workflows.ActiveLivenessEvaluation.Run(args[1..]);
}

if (args.Length > 0 && string.Equals(args[0], "checkin", StringComparison.Ordinal))
{
    return await Visage.Benchmarks.Workflows.CheckInLatencyRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && string.Equals(args[0], "server-load", StringComparison.Ordinal))
{
    return await Visage.Benchmarks.Workflows.ServerLoadRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && string.Equals(args[0], "deid-photo-peers", StringComparison.Ordinal))
{
    return await PhotoPeerComparisonRunner.RunAsync(args[1..]);
}

if (args.Length > 0 && string.Equals(args[0], "multi-enrolment", StringComparison.Ordinal))
{
    return Visage.Benchmarks.Workflows.MultiImageEnrolmentRunner.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
