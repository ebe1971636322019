using System.Buffers.Binary;

namespace Visage.Deid.Photos;

/// <summary>
/// Rewrites a JPEG at the segment level, keeping only what decoding needs: tables, frame and scan headers, the
/// entropy-coded data byte for byte, Adobe APP14 (it selects the colour transform) and a JFIF APP0 without its
/// thumbnail. Every other APPn (EXIF, XMP, IPTC, ICC, vendor), comments and anything after EOI are dropped.
/// </summary>
internal static class JpegMetadataStripper
{
    public static StrippedImage Strip(ReadOnlySpan<byte> data)
    {
        if (PhotoFormatSniffer.Sniff(data) != PhotoFormat.Jpeg)
        {
            throw new PhotoFormatException("The data is not a JPEG.");
        }

        var output = new MemoryStream(data.Length);
        output.Write([0xFF, 0xD8]);
        var removed = new List<string>();
        var keptJfif = false;
        var sawFrame = false;
        var sawScan = false;
        var i = 2;
        while (true)
        {
            if (i + 1 >= data.Length)
            {
                throw new PhotoFormatException("The JPEG data ends before its end-of-image marker.");
            }

            if (data[i] != 0xFF)
            {
                throw new PhotoFormatException("The JPEG segment structure is corrupt.");
            }

            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            if (marker == 0xD9)
            {
                output.Write([0xFF, 0xD9]);
                i += 2;
                break;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                // A stray standalone marker outside a scan carries nothing decoding needs.
                i += 2;
                continue;
            }

            if (marker == 0xD8 || i + 4 > data.Length)
            {
                throw new PhotoFormatException("The JPEG segment structure is corrupt.");
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            if (length < 2)
            {
                throw new PhotoFormatException("The JPEG segment structure is corrupt.");
            }

            var end = i + 2 + length;
            if (end > data.Length)
            {
                throw new PhotoFormatException("A JPEG segment runs past the end of the data.");
            }

            var segment = data[i..end];
            var payload = data[(i + 4)..end];
            switch (marker)
            {
                case 0xE0:
                    if (payload.StartsWith("JFIF\0"u8) && payload.Length >= 14)
                    {
                        if (!keptJfif)
                        {
                            WriteMinimalJfif(output, payload);
                            keptJfif = true;
                        }

                        if (payload[12] != 0 && payload[13] != 0)
                        {
                            Add(removed, MetadataKind.Thumbnail);
                        }
                    }
                    else
                    {
                        Add(removed, payload.StartsWith("JFXX\0"u8) ? MetadataKind.Thumbnail : MetadataKind.VendorSegment);
                    }

                    break;
                case 0xEE when payload.StartsWith("Adobe"u8):
                    output.Write(segment);
                    break;
                case >= 0xE0 and <= 0xEF:
                    Add(removed, ClassifyApp(marker, payload));
                    break;
                case 0xFE:
                    Add(removed, MetadataKind.Comment);
                    break;
                case 0xDA:
                    if (!sawFrame)
                    {
                        throw new PhotoFormatException("The JPEG has a scan before its frame header.");
                    }

                    output.Write(segment);
                    var scanEnd = EntropyDataEnd(data, end);
                    output.Write(data[end..scanEnd]);
                    sawScan = true;
                    i = scanEnd;
                    continue;
                case 0xDB or 0xC4 or 0xDD or 0xCC or 0xDC or 0xDE or 0xDF or 0xF7 or 0xF8:
                    output.Write(segment);
                    break;
                case >= 0xC0 and <= 0xCF and not 0xC8:
                    sawFrame = true;
                    output.Write(segment);
                    break;
                default:
                    throw new PhotoFormatException($"The JPEG has an unsupported marker 0x{marker:X2}.");
            }

            i = end;
        }

        if (!sawScan)
        {
            throw new PhotoFormatException("The JPEG has no image data.");
        }

        if (i < data.Length)
        {
            Add(removed, MetadataKind.TrailingData);
        }

        return new StrippedImage(output.ToArray(), removed);
    }

    /// <summary>Offset of the first marker after a scan's entropy-coded data (stuffed 0xFF00 and RSTn belong to the data).</summary>
    private static int EntropyDataEnd(ReadOnlySpan<byte> data, int start)
    {
        var j = start;
        while (j + 1 < data.Length)
        {
            if (data[j] == 0xFF && data[j + 1] != 0x00 && data[j + 1] is not (>= 0xD0 and <= 0xD7))
            {
                return j;
            }

            j += data[j] == 0xFF ? 2 : 1;
        }

        throw new PhotoFormatException("The JPEG data ends inside a scan.");
    }

    private static string ClassifyApp(byte marker, ReadOnlySpan<byte> payload) => marker switch
    {
        0xE1 when payload.StartsWith("Exif\0"u8) => MetadataKind.Exif,
        0xE1 when payload.StartsWith("http://ns.adobe.com/xap/1.0/\0"u8) || payload.StartsWith("http://ns.adobe.com/xmp/extension/\0"u8) => MetadataKind.Xmp,
        0xE2 when payload.StartsWith("ICC_PROFILE\0"u8) => MetadataKind.Icc,
        0xE2 when payload.StartsWith("MPF\0"u8) => MetadataKind.MultiPicture,
        0xE2 when payload.StartsWith("FPXR"u8) => MetadataKind.FlashPix,
        0xED when payload.StartsWith("Photoshop 3.0\0"u8) => HasIptcResource(payload) ? MetadataKind.Iptc : MetadataKind.PhotoshopResources,
        _ => MetadataKind.VendorSegment,
    };

    // Photoshop image resource 0x0404 is the IPTC-NAA record.
    private static bool HasIptcResource(ReadOnlySpan<byte> payload) => payload.IndexOf("8BIM\u0004\u0004"u8) >= 0;

    // Version, density units and densities are kept; the thumbnail is not.
    private static void WriteMinimalJfif(MemoryStream output, ReadOnlySpan<byte> payload)
    {
        output.Write([0xFF, 0xE0, 0x00, 0x10]);
        output.Write("JFIF\0"u8);
        output.Write(payload[5..12]);
        output.Write([0x00, 0x00]);
    }

    private static void Add(List<string> kinds, string kind)
    {
        if (!kinds.Contains(kind, StringComparer.Ordinal))
        {
            kinds.Add(kind);
        }
    }
}
