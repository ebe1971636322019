using System.Text;
using System.Text.RegularExpressions;
using MetadataExtractor;
using MetadataExtractor.Formats.Adobe;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Icc;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Jfif;
using MetadataExtractor.Formats.Jfxx;
using MetadataExtractor.Formats.Photoshop;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Xmp;

namespace Visage.Deid.Photos;

/// <summary>One identifying metadata value of an original and the tag it came from (the value never leaves memory).</summary>
internal sealed record IdentifyingValue(string Source, string Value);

/// <summary>
/// What an original photo's metadata holds, read with MetadataExtractor: the identifying values (camera make and
/// model, serial numbers, dates, people, places, comments, XMP and IPTC text) to look for in the output, which
/// kinds of block were present (GPS, thumbnail, maker notes), and whether the core EXIF block is corrupt.
/// </summary>
internal sealed partial record IdentifyingMetadata(IReadOnlyList<IdentifyingValue> Values, IReadOnlyList<string> Kinds, bool CorruptExif)
{
    // Tag names that carry who, where, when or which device; matched against MetadataExtractor's tag names.
    private static readonly string[] IdentifyingNameParts =
    [
        "Make", "Model", "Serial", "Date", "Artist", "Copyright", "Author", "Creator", "Owner", "Comment", "Description",
        "Caption", "By-line", "Byline", "Credit", "Contact", "City", "Country", "Location", "Province", "State",
        "Keyword", "Title", "Headline", "Unique", "Lens", "Name", "Software", "Source", "Writer", "Editor", "Rights",
        "Subject", "Document", "Host", "User", "Address", "Phone", "Email", "Url", "Instructions", "Transmission",
    ];

    // Words a stripped file legitimately contains (segment and chunk names): not evidence of a leak.
    private static readonly HashSet<string> StructuralWords = new(StringComparer.Ordinal)
    {
        "JFIF", "Adobe", "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "pHYs",
        "RIFF", "WEBP", "VP8X", "VP8L", "ALPH", "ANIM", "ANMF",
    };

    private static readonly Type[] CoreExifDirectories =
        [typeof(ExifIfd0Directory), typeof(ExifSubIfdDirectory), typeof(GpsDirectory), typeof(ExifInteropDirectory), typeof(ExifThumbnailDirectory)];

    public static IdentifyingMetadata Collect(byte[] data, PhotoFormat format)
    {
        ArgumentNullException.ThrowIfNull(data);
        var directories = Read(data, format);
        var values = new List<IdentifyingValue>();
        var kinds = new List<string>();
        var corruptExif = false;
        foreach (var directory in directories)
        {
            if (format != PhotoFormat.Tiff && CoreExifDirectories.Contains(directory.GetType()) && directory.HasError)
            {
                corruptExif = true;
            }

            switch (directory)
            {
                case GpsDirectory:
                    AddKind(kinds, MetadataKind.ExifGps);
                    break;
                case ExifThumbnailDirectory when directory.TagCount > 0:
                    AddKind(kinds, MetadataKind.Thumbnail);
                    break;
                case XmpDirectory xmp:
                    foreach (var property in xmp.GetXmpProperties())
                    {
                        AddValue(values, "XMP " + property.Key, property.Value);
                    }

                    continue;
            }

            if (directory.GetType().Namespace?.EndsWith("Makernotes", StringComparison.Ordinal) == true)
            {
                AddKind(kinds, MetadataKind.MakerNotes);
            }

            foreach (var tag in directory.Tags)
            {
                if (!IdentifyingNameParts.Any(part => tag.Name.Contains(part, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                if (tag.Name.Contains("Serial", StringComparison.OrdinalIgnoreCase))
                {
                    AddKind(kinds, MetadataKind.SerialNumbers);
                }

                AddValue(values, directory.Name + " " + tag.Name, directory.GetString(tag.Type));
            }
        }

        // XMP is also read raw: MetadataExtractor refuses some packets (e.g. extended XMP) outright.
        foreach (var value in RawXmpValues(data))
        {
            AddValue(values, "XMP packet", value);
        }

        return new IdentifyingMetadata(values.DistinctBy(v => v.Value, StringComparer.Ordinal).ToList(), kinds, corruptExif);
    }

    /// <summary>All directories MetadataExtractor reads; when one reader fails on a JPEG, the rest are read without it.</summary>
    internal static IReadOnlyList<MetadataExtractor.Directory> Read(byte[] data, PhotoFormat format)
    {
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            return ImageMetadataReader.ReadMetadata(stream).ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && format == PhotoFormat.Jpeg)
        {
            using var stream = new MemoryStream(data, writable: false);
            IJpegSegmentMetadataReader[] readers =
            [
                new JpegReader(), new JpegCommentReader(), new JfifReader(), new JfxxReader(), new ExifReader(),
                new IccReader(), new PhotoshopReader(), new DuckyReader(), new IptcReader(), new AdobeJpegReader(),
            ];
            return JpegMetadataReader.ReadMetadata(stream, readers).ToList();
        }
    }

    private static List<string> RawXmpValues(byte[] data)
    {
        var values = new List<string>();
        var span = data.AsSpan();
        for (var start = span.IndexOf("<x:xmpmeta"u8); start >= 0;)
        {
            var rest = span[start..];
            var end = rest.IndexOf("</x:xmpmeta>"u8);
            var packet = Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
            values.AddRange(XmlText().Matches(packet).Select(m => m.Groups[1].Value));
            values.AddRange(XmlAttributeValue().Matches(packet).Select(m => m.Groups[1].Value + m.Groups[2].Value).Where(v => !v.Contains("://", StringComparison.Ordinal)));
            var next = rest[1..].IndexOf("<x:xmpmeta"u8);
            start = next < 0 ? -1 : start + 1 + next;
        }

        return values;
    }

    private static void AddValue(List<IdentifyingValue> values, string source, string? value)
    {
        var trimmed = value?.Trim().Trim('\0').Trim();
        if (trimmed is null || trimmed.Length < 4 || StructuralWords.Contains(trimmed)
            || trimmed.Any(char.IsControl) || trimmed.Contains('\uFFFD', StringComparison.Ordinal)
            || !trimmed.Any(char.IsLetterOrDigit))
        {
            return;
        }

        values.Add(new IdentifyingValue(source, trimmed));
    }

    private static void AddKind(List<string> kinds, string kind)
    {
        if (!kinds.Contains(kind, StringComparer.Ordinal))
        {
            kinds.Add(kind);
        }
    }

    [GeneratedRegex(@">\s*([^<>]*[A-Za-z0-9][^<>]*?)\s*<", RegexOptions.CultureInvariant)]
    private static partial Regex XmlText();

    [GeneratedRegex(@"=\s*(?:""([^""]{4,})""|'([^']{4,})')", RegexOptions.CultureInvariant)]
    private static partial Regex XmlAttributeValue();
}
