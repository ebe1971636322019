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
    // Ours as `visage deid dicom` runs it by default (pixel cleaning with OCR and faces), and attributes only
    // (--no-pixel-clean), which is what the peers do.
    using var engine = new Visage.Face.FaceEngine(new Visage.Face.FaceEngineOptions(), Visage.Face.ModelStore.OpenDefault(null));
    var ocr = new Visage.Deid.Text.TesseractOcr();
    var attributesOnly = new Visage.Deid.Dicom.DicomDeidOptions { CleanPixelData = false, CleanRecognizableVisualFeatures = false };
    return await DeidPeerComparisonRunner.RunAsync(
        args[1..],
        [
            ("Visage (ours): attributes only", "PS3.15 basic profile + modified dates + clean descriptors, no pixel cleaning (--no-pixel-clean)",
                key => Visage.Deid.Dicom.DicomPipeline.Create(key, attributesOnly, [], ocr, null)),
            ("Visage (ours): default", "as above + clean pixel data (OCR on every frame) + faces in photographic objects",
                key => Visage.Deid.Dicom.DicomPipeline.Create(key, new Visage.Deid.Dicom.DicomDeidOptions(), [], ocr, engine)),
        ]);
}

if (args.Length > 0 && string.Equals(args[0], "deid-photo-peers", StringComparison.Ordinal))
{
    return await PhotoPeerComparisonRunner.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
