using Visage.Deid.Batch;
using Visage.Deid.Dicom.Pixels;
using Visage.Deid.Text;
using Visage.Face;

namespace Visage.Deid.Dicom;

/// <summary>Composes the DICOM de-identifier with the pixel cleaner as its pixel stage, so hosts never touch GDCM types.</summary>
internal static class DicomPipeline
{
    /// <param name="regions">Boxes always blacked out on matching objects (e.g. where a device stamps the patient's name).</param>
    /// <param name="faces">The face engine for Clean Recognizable Visual Features; null skips face search.</param>
    public static DicomDeidentifier Create(BatchKey key, DicomDeidOptions options, IReadOnlyList<ConfiguredRegion> regions, TesseractOcr ocr, FaceEngine? faces)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.CleanPixelData && !options.CleanRecognizableVisualFeatures && regions.Count == 0 && options.KnownIdentifyingValues.Count == 0)
        {
            return new DicomDeidentifier(key, options);
        }

        var cleaning = new PixelCleaningOptions(regions, CleanText: options.CleanPixelData, CleanFaces: options.CleanRecognizableVisualFeatures)
        {
            KnownValues = options.KnownIdentifyingValues,
        };
        return new DicomDeidentifier(key, options, new DicomPixelCleaner(ocr, faces, cleaning).Clean);
    }
}
