using Visage.Deid.Reports;

namespace Visage.Deid.Dicom;

/// <summary>
/// Cleans an object's pixels (burned-in text, faces). Either leaves <paramref name="image"/> untouched
/// (<see cref="PixelStageResult.Changed"/> false) or rewrites its pixel data in place, uncompressed (Explicit VR
/// Little Endian); the de-identifier then writes the file and sets Burned In Annotation to NO.
/// </summary>
internal delegate PixelStageResult DicomPixelStage(gdcm.Image image, DicomObjectInfo info, CancellationToken ct);

/// <summary>What the pixel stage may use to choose its method; <paramref name="KnownIdentifyingValues"/> are the object's original identifying strings (for OCR matching).</summary>
internal sealed record DicomObjectInfo(string Modality, string? Manufacturer, string? ModelName, string? SopClassUid, IReadOnlyList<string> KnownIdentifyingValues);

internal sealed record PixelStageResult(bool Changed, IReadOnlyList<PixelRedaction> Redactions, IReadOnlyList<string> NeedsReview);
