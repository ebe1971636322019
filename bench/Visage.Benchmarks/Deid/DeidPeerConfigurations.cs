using Visage.Deid.Batch;
using Visage.Deid.Dicom;
using Visage.Deid.Text;
using Visage.Face;

namespace Visage.Benchmarks.Deid;

/// <summary>
/// Our rows in <c>deid-peers</c>, built the way <c>visage deid dicom</c> builds them, so a row labelled with a flag
/// measures what that flag does: <c>--no-pixel-clean</c> turns off burned-in text cleaning only, so faces are still
/// searched in photographic objects (which needs every image decoded).
/// </summary>
internal static class DeidPeerConfigurations
{
    public static IReadOnlyList<(string Name, string Mode, Func<BatchKey, IFileDeidentifier> Create)> Ours(FaceEngine engine, TesseractOcr ocr) =>
    [
        ("Visage (ours): --no-pixel-clean", "PS3.15 basic profile + modified dates + clean descriptors; no burned-in text cleaning; faces in photographic objects (as `visage deid dicom --no-pixel-clean`)",
            key => DicomPipeline.Create(key, new DicomDeidOptions { CleanPixelData = false }, [], ocr, engine)),
        ("Visage (ours): default", "as above + clean pixel data (OCR on every frame)",
            key => DicomPipeline.Create(key, new DicomDeidOptions(), [], ocr, engine)),
    ];
}
