using System.Buffers.Binary;

namespace Visage.Deid.Photos;

/// <summary>
/// Rewrites a WebP's RIFF chunks keeping only image data (VP8, VP8L, ALPH, animation) and a VP8X header whose
/// ICC/EXIF/XMP flags are cleared; EXIF, XMP, ICCP and unknown chunks are dropped and the RIFF size recomputed.
/// </summary>
internal static class WebPMetadataStripper
{
    private const byte IccFlag = 0x20;
    private const byte ExifFlag = 0x08;
    private const byte XmpFlag = 0x04;

    public static StrippedImage Strip(ReadOnlySpan<byte> data)
    {
        if (PhotoFormatSniffer.Sniff(data) != PhotoFormat.WebP)
        {
            throw new PhotoFormatException("The data is not a WebP.");
        }

        var riffEnd = 8 + (long)BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (riffEnd > data.Length)
        {
            throw new PhotoFormatException("The WebP data ends before its RIFF chunk does.");
        }

        var body = new MemoryStream(data.Length);
        var removed = new List<string>();
        var sawImage = false;
        var i = 12;
        while (i < riffEnd)
        {
            if (i + 8 > riffEnd)
            {
                throw new PhotoFormatException("The WebP chunk structure is corrupt.");
            }

            var fourCc = System.Text.Encoding.ASCII.GetString(data[i..(i + 4)]);
            var size = (long)BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4)..]);
            var end = i + 8 + size + (size & 1);
            if (i + 8 + size > riffEnd)
            {
                throw new PhotoFormatException("A WebP chunk runs past the end of the data.");
            }

            end = Math.Min(end, riffEnd);
            var chunk = data[i..(int)end];
            switch (fourCc)
            {
                case "VP8X":
                    if (size < 10)
                    {
                        throw new PhotoFormatException("The WebP VP8X chunk is too short.");
                    }

                    var copy = chunk.ToArray();
                    copy[8] &= unchecked((byte)~(IccFlag | ExifFlag | XmpFlag));
                    body.Write(copy);
                    break;
                case "VP8 " or "VP8L" or "ALPH" or "ANIM" or "ANMF":
                    sawImage |= fourCc is "VP8 " or "VP8L" or "ANMF";
                    body.Write(chunk);
                    break;
                default:
                    var kind = fourCc switch
                    {
                        "EXIF" => MetadataKind.Exif,
                        "XMP " => MetadataKind.Xmp,
                        "ICCP" => MetadataKind.Icc,
                        _ => MetadataKind.VendorSegment,
                    };
                    if (!removed.Contains(kind, StringComparer.Ordinal))
                    {
                        removed.Add(kind);
                    }

                    break;
            }

            i = (int)end;
        }

        if (!sawImage)
        {
            throw new PhotoFormatException("The WebP has no image data.");
        }

        if (riffEnd < data.Length)
        {
            removed.Add(MetadataKind.TrailingData);
        }

        var output = new byte[12 + body.Length];
        "RIFF"u8.CopyTo(output);
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(4), (uint)(4 + body.Length));
        "WEBP"u8.CopyTo(output.AsSpan(8));
        body.ToArray().CopyTo(output, 12);
        return new StrippedImage(output, removed);
    }
}
