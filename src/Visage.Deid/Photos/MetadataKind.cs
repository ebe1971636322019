namespace Visage.Deid.Photos;

/// <summary>Names of the metadata blocks a report says were removed; kinds only, never contents.</summary>
internal static class MetadataKind
{
    public const string Exif = "EXIF";
    public const string ExifGps = "EXIF GPS";
    public const string MakerNotes = "maker notes";
    public const string SerialNumbers = "serial numbers";
    public const string Thumbnail = "thumbnail";
    public const string Xmp = "XMP";
    public const string Iptc = "IPTC";
    public const string PhotoshopResources = "Photoshop resources";
    public const string Icc = "ICC";
    public const string Comment = "comment";
    public const string Text = "text";
    public const string Timestamp = "timestamp";
    public const string MultiPicture = "multi-picture (MPF)";
    public const string FlashPix = "FlashPix";
    public const string VendorSegment = "vendor segment";
    public const string AncillaryChunk = "ancillary chunk";
    public const string TrailingData = "data after end of image";
}

/// <summary>The rewritten file and the kinds of metadata block that were left out of it.</summary>
internal sealed record StrippedImage(byte[] Data, IReadOnlyList<string> RemovedKinds);
