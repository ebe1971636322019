namespace Visage.Deid;

/// <summary>
/// The kind-specific choices of one de-identification batch. Photo options
/// are ignored for DICOM and the other way round. <see cref="KnownValues"/> are identifying values (names, record
/// numbers) to look for in pixel text and metadata: they are PHI, never printed or written anywhere.
/// </summary>
public sealed record DeidSettings(
    DeidFaces Faces,
    DeidStyle Style,
    DeidText Text,
    IReadOnlyList<DeidRegion> Regions,
    IReadOnlyList<string> KnownValues,
    DeidDates Dates,
    IReadOnlyList<DeidTag> KeepPrivateTags,
    bool CleanPixels)
{
    public static DeidSettings Default { get; } =
        new(DeidFaces.All, DeidStyle.Box, DeidText.Phi, [], [], DeidDates.Shift, [], CleanPixels: true);
}

/// <summary>Which faces a photo batch redacts: every face, every face but the largest (the patient's own), or none.</summary>
public enum DeidFaces
{
    All,
    AllButLargest,
    None,
}

/// <summary>How a redacted region is hidden: a solid box, or a heavy blur or pixelation.</summary>
public enum DeidStyle
{
    Box,
    Blur,
    Pixelate,
}

/// <summary>Which burned-in text is redacted: only text that looks like PHI, all text, or none.</summary>
public enum DeidText
{
    Phi,
    All,
    None,
}

/// <summary>DICOM dates: shifted by a per-patient offset from the batch key (intervals survive), or blanked.</summary>
public enum DeidDates
{
    Shift,
    Blank,
}

/// <summary>A pixel region (x, y, width, height) always redacted, e.g. where a device stamps the patient's name.</summary>
public sealed record DeidRegion(int X, int Y, int Width, int Height);

/// <summary>A private DICOM attribute: group, private creator and the low byte of its element number.</summary>
public sealed record DeidTag(ushort Group, string Creator, byte Element);
