namespace Visage.Deid.Dicom.Pixels;

/// <summary>
/// How DICOM pixel data is cleaned. <paramref name="Regions"/> are always blacked out on matching objects (e.g. a
/// scanner's known annotation band); <paramref name="Margin"/> pads every detected text or face box, in pixels.
/// </summary>
internal sealed record PixelCleaningOptions(
    IReadOnlyList<ConfiguredRegion> Regions,
    int Margin = 3,
    bool CleanText = true,
    bool CleanFaces = true)
{
    public static PixelCleaningOptions Default { get; } = new([]);

    /// <summary>Frames smaller than this on either side are not searched for text: no legible annotation fits.</summary>
    public int MinimumTextFrameSide { get; init; } = 48;

    /// <summary>Face boxes grow by this fraction of their size on every side, so hair line, chin and ears go too.</summary>
    public double FaceMarginFraction { get; init; } = 0.2;

    /// <summary>
    /// Values given for the batch (<c>--known-value</c>): with <see cref="CleanText"/> every word is blacked out anyway;
    /// without it, OCR still runs and the words that read as one of these are blacked out.
    /// </summary>
    public IReadOnlyList<string> KnownValues { get; init; } = [];

    /// <summary>Text-like rows no OCR word covers, per frame, before the object is flagged for review.</summary>
    public int UnreadTextRowsForReview { get; init; } = 3;
}

/// <summary>
/// A rectangle (pixels, frame coordinates) to black out on every frame of objects of <paramref name="Modality"/>;
/// a null <paramref name="Modality"/>, <paramref name="Manufacturer"/> or <paramref name="ModelName"/> matches any.
/// Matching ignores case.
/// </summary>
internal sealed record ConfiguredRegion(string? Modality, string? Manufacturer, string? ModelName, int Left, int Top, int Width, int Height)
{
    public bool Matches(DicomObjectInfo info) =>
        (Modality is null || string.Equals(Modality, info.Modality?.Trim(), StringComparison.OrdinalIgnoreCase))
        && (Manufacturer is null || string.Equals(Manufacturer, info.Manufacturer?.Trim(), StringComparison.OrdinalIgnoreCase))
        && (ModelName is null || string.Equals(ModelName, info.ModelName?.Trim(), StringComparison.OrdinalIgnoreCase));
}
