using System.Buffers.Binary;
using System.Text;

namespace Visage.Deid.Photos;

/// <summary>
/// Rewrites a PNG keeping the critical chunks and the ones that change how pixels look (tRNS, gAMA, cHRM, sRGB,
/// sBIT, pHYs); text, EXIF, time, ICC and every other ancillary chunk are dropped. Chunks are copied byte for byte.
/// </summary>
internal static class PngMetadataStripper
{
    private static readonly HashSet<string> Kept = new(StringComparer.Ordinal)
    {
        "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "pHYs",
    };

    public static StrippedImage Strip(ReadOnlySpan<byte> data)
    {
        if (PhotoFormatSniffer.Sniff(data) != PhotoFormat.Png)
        {
            throw new PhotoFormatException("The data is not a PNG.");
        }

        var output = new MemoryStream(data.Length);
        output.Write(data[..8]);
        var removed = new List<string>();
        var i = 8;
        var first = true;
        while (true)
        {
            if (i + 12 > data.Length)
            {
                throw new PhotoFormatException("The PNG data ends before its IEND chunk.");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
            if (length > int.MaxValue || i + 12 + (long)length > data.Length)
            {
                throw new PhotoFormatException("A PNG chunk runs past the end of the data.");
            }

            var typeBytes = data[(i + 4)..(i + 8)];
            foreach (var b in typeBytes)
            {
                if (!char.IsAsciiLetter((char)b))
                {
                    throw new PhotoFormatException("The PNG chunk structure is corrupt.");
                }
            }

            var type = Encoding.ASCII.GetString(typeBytes);
            if (first && type != "IHDR")
            {
                throw new PhotoFormatException("The PNG does not start with IHDR.");
            }

            first = false;
            var end = i + 12 + (int)length;
            if (Kept.Contains(type))
            {
                output.Write(data[i..end]);
            }
            else if (char.IsAsciiLetterUpper(type[0]))
            {
                throw new PhotoFormatException("The PNG has an unknown critical chunk.");
            }
            else
            {
                var kind = Classify(type, data[(i + 8)..(end - 4)]);
                if (!removed.Contains(kind, StringComparer.Ordinal))
                {
                    removed.Add(kind);
                }
            }

            i = end;
            if (type == "IEND")
            {
                break;
            }
        }

        if (i < data.Length && !removed.Contains(MetadataKind.TrailingData, StringComparer.Ordinal))
        {
            removed.Add(MetadataKind.TrailingData);
        }

        return new StrippedImage(output.ToArray(), removed);
    }

    private static string Classify(string type, ReadOnlySpan<byte> chunk) => type switch
    {
        "tEXt" or "zTXt" or "iTXt" when chunk.StartsWith("XML:com.adobe.xmp\0"u8) => MetadataKind.Xmp,
        "tEXt" or "zTXt" or "iTXt" when chunk.StartsWith("Raw profile type exif\0"u8) || chunk.StartsWith("Raw profile type APP1\0"u8) => MetadataKind.Exif,
        "tEXt" or "zTXt" or "iTXt" when chunk.StartsWith("Raw profile type iptc\0"u8) => MetadataKind.Iptc,
        "tEXt" or "zTXt" or "iTXt" => MetadataKind.Text,
        "eXIf" => MetadataKind.Exif,
        "iCCP" => MetadataKind.Icc,
        "tIME" => MetadataKind.Timestamp,
        _ => MetadataKind.AncillaryChunk,
    };
}
