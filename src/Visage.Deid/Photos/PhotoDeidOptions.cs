using System.ComponentModel.DataAnnotations;
using Visage.Deid.Redaction;

namespace Visage.Deid.Photos;

/// <summary>What photo de-identification does beyond always removing metadata.</summary>
public sealed record PhotoDeidOptions
{
    public bool RedactFaces { get; init; } = true;

    public FaceSelection FaceSelection { get; init; } = FaceSelection.All;

    /// <summary>With <see cref="FaceSelection.AllButChosen"/>: the face that overlaps this box most is kept (upright image coordinates).</summary>
    public ImageRegion? KeepFace { get; init; }

    public RedactionStyle RedactionStyle { get; init; } = RedactionStyle.Pixelate;

    /// <summary>How far a redaction reaches beyond a found face or word, as a fraction of its width and height.</summary>
    [Range(0.0, 2.0)]
    public double Margin { get; init; } = 0.25;

    /// <summary>Redact burned-in text that matches PHI patterns or <see cref="KnownIdentifyingValues"/>.</summary>
    public bool RedactText { get; init; }

    /// <summary>With <see cref="RedactText"/>: redact every word read, not only the PHI ones.</summary>
    public bool RedactAllText { get; init; }

    /// <summary>Names, record numbers and other values of this record to look for in burned-in text.</summary>
    public IReadOnlyList<string> KnownIdentifyingValues { get; init; } = [];

    /// <summary>Regions a person marked by hand, in the coordinates of the original image as displayed (upright, full size).</summary>
    public IReadOnlyList<ImageRegion> ManualRegions { get; init; } = [];

    public PhotoOutputFormat OutputFormat { get; init; } = PhotoOutputFormat.SameAsInput;

    /// <summary>Quality of JPEGs that must be re-encoded because pixels changed.</summary>
    [Range(1, 100)]
    public int JpegQuality { get; init; } = 95;
}

public enum FaceSelection
{
    All,
    AllButLargest,
    AllButChosen,
}

/// <summary>
/// JPEG, PNG and WebP keep their format (lossless when no pixel changes); TIFF is always re-encoded from its pixels.
/// <see cref="Png"/> re-encodes every output as PNG.
/// </summary>
public enum PhotoOutputFormat
{
    SameAsInput,
    Png,
}

/// <summary>A rectangle in image pixel coordinates.</summary>
public sealed record ImageRegion(int Left, int Top, int Width, int Height);
