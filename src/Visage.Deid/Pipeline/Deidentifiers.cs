using Visage.Deid.Batch;
using Visage.Deid.Dicom;
using Visage.Deid.Dicom.Pixels;
using Visage.Deid.Photos;
using Visage.Deid.Redaction;
using Visage.Deid.Text;
using Visage.Face;

namespace Visage.Deid;

/// <summary>Maps a batch's <see cref="DeidSettings"/> onto the real de-identifiers.</summary>
internal static class Deidentifiers
{
    /// <summary>
    /// What a batch uses: DICOM runs in worker processes (<see cref="IsolatedDeidentifier"/>) because GDCM can abort
    /// the process on a malformed object; photos run in process.
    /// </summary>
    public static IFileDeidentifier Create(DeidKind kind, BatchKey key, DeidSettings settings, FaceEngine faces, DeidWorkerCommand worker) =>
        kind == DeidKind.Dicom ? new IsolatedDeidentifier(kind, key, settings, ".dcm", worker) : CreateInProcess(kind, key, settings, faces);

    /// <summary>The de-identifiers themselves, as a worker process (or the photo batch) runs them.</summary>
    public static IFileDeidentifier CreateInProcess(DeidKind kind, BatchKey key, DeidSettings settings, FaceEngine faces) => kind switch
    {
        DeidKind.Photos => new PhotoDeidentifier(faces, new TesseractOcr(), PhotoOptions(settings)),
        DeidKind.Dicom => Dicom(key, settings, faces),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    internal static DicomDeidOptions DicomOptions(DeidSettings settings) => new()
    {
        RetainLongitudinalModifiedDates = settings.Dates == DeidDates.Shift,
        CleanPixelData = settings.CleanPixels,
        KeptPrivateTags = [.. settings.KeepPrivateTags.Select(t => new DicomPrivateTag(t.Group, t.Creator, t.Element))],
        KnownIdentifyingValues = settings.KnownValues,
    };

    /// <summary>Burned-in text unless CleanPixels is off (known values even then), faces in photographic objects, region boxes on every object.</summary>
    private static DicomDeidentifier Dicom(BatchKey key, DeidSettings settings, FaceEngine faces) =>
        DicomPipeline.Create(
            key,
            DicomOptions(settings),
            [.. settings.Regions.Select(r => new ConfiguredRegion(null, null, null, r.X, r.Y, r.Width, r.Height))],
            new TesseractOcr(),
            faces);

    internal static PhotoDeidOptions PhotoOptions(DeidSettings settings) => new()
    {
        RedactFaces = settings.Faces != DeidFaces.None,
        FaceSelection = settings.Faces == DeidFaces.AllButLargest ? FaceSelection.AllButLargest : FaceSelection.All,
        RedactionStyle = settings.Style switch
        {
            DeidStyle.Blur => RedactionStyle.Blur,
            DeidStyle.Pixelate => RedactionStyle.Pixelate,
            _ => RedactionStyle.SolidBox,
        },
        RedactText = settings.Text != DeidText.None,
        RedactAllText = settings.Text == DeidText.All,
        KnownIdentifyingValues = settings.KnownValues,
        ManualRegions = [.. settings.Regions.Select(r => new ImageRegion(r.X, r.Y, r.Width, r.Height))],
    };
}
