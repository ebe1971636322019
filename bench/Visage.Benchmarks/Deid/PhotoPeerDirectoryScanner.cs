using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Gif;
using MetadataExtractor.Formats.Icc;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Png;
using MetadataExtractor.Formats.Xmp;
using Visage.Deid.Photos;

namespace Visage.Benchmarks.Deid;

/// <summary>
/// Which kinds of metadata directory MetadataExtractor still finds in an output, read the way our verifier reads
/// (<see cref="IdentifyingMetadata.Read"/>). Only directories that hold a tag count.
/// </summary>
internal static class PhotoPeerDirectoryScanner
{
    public const string Exif = "EXIF IFD0/SubIFD";
    public const string Gps = "GPS";
    public const string Xmp = "XMP";
    public const string Iptc = "IPTC";
    public const string MakerNotes = "maker notes";
    public const string Icc = "ICC";
    public const string Comment = "comment";
    public const string Thumbnail = "EXIF thumbnail";

    public static readonly string[] Kinds = [Exif, Gps, Xmp, Iptc, MakerNotes, Icc, Comment, Thumbnail];

    // A TIFF's IFD0 must describe its own pixels: these layout and colour tags are not metadata.
    private static readonly HashSet<int> TiffLayoutTags =
    [
        0x00FE, 0x0100, 0x0101, 0x0102, 0x0103, 0x0106, 0x010A, 0x0111, 0x0115, 0x0116, 0x0117, 0x011A, 0x011B,
        0x011C, 0x0128, 0x012D, 0x013D, 0x013E, 0x013F, 0x0140, 0x0142, 0x0143, 0x0144, 0x0145, 0x0152, 0x0153,
        0x0211, 0x0212, 0x0213, 0x0214,
    ];

    /// <summary>The kinds found, or null when MetadataExtractor cannot read the file at all.</summary>
    public static IReadOnlyList<string>? KindsFound(byte[] output)
    {
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            directories = IdentifyingMetadata.Read(output, PhotoFormatSniffer.Sniff(output));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }

        return directories.Select(Kind).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
    }

    private static string? Kind(MetadataExtractor.Directory directory) => directory switch
    {
        ExifIfd0Directory or ExifSubIfdDirectory => directory.Tags.Any(t => !TiffLayoutTags.Contains(t.Type)) ? Exif : null,
        GpsDirectory => directory.TagCount > 0 ? Gps : null,
        XmpDirectory xmp => xmp.TagCount > 0 || xmp.GetXmpProperties().Count > 0 ? Xmp : null,
        IptcDirectory => directory.TagCount > 0 ? Iptc : null,
        IccDirectory => directory.TagCount > 0 ? Icc : null,
        JpegCommentDirectory or GifCommentDirectory => directory.TagCount > 0 ? Comment : null,
        PngDirectory => directory.Tags.Any(t => t.Name.Contains("Textual", StringComparison.Ordinal)) ? Comment : null,
        ExifThumbnailDirectory => directory.TagCount > 0 ? Thumbnail : null,
        _ when directory.GetType().Namespace?.EndsWith("Makernotes", StringComparison.Ordinal) == true => directory.TagCount > 0 ? MakerNotes : null,
        _ => null,
    };
}
