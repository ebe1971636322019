using System.Buffers.Binary;

namespace Visage.Face;

/// <summary>
/// Reads format and pixel dimensions from the first bytes of an encoded image, without decoding it,
/// so that decompression bombs are refused before any pixel buffer is allocated.
/// </summary>
internal readonly record struct ImageHeader(ImageFormat Format, long Width, long Height)
{
    internal enum HeaderStatus
    {
        Ok,
        Truncated,
        Corrupt,
    }

    /// <summary>Whether the data ends before the image does: a JPEG scan without EOI, a PNG without IEND.</summary>
    public static bool IsTruncated(ImageFormat format, ReadOnlySpan<byte> data) => format switch
    {
        ImageFormat.Jpeg => WalkJpeg(data).Status == HeaderStatus.Truncated,
        ImageFormat.Png => data.LastIndexOf("IEND"u8) < 0,
        _ => false,
    };

    public long Pixels => Width * Height;

    public static ImageFormat Sniff(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (data.Length >= 8 && data[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (data.Length >= 2 && data[0] == 'B' && data[1] == 'M')
        {
            return ImageFormat.Bmp;
        }

        if (data.Length >= 4 && (data[..4].SequenceEqual("II*\0"u8) || data[..4].SequenceEqual("MM\0*"u8)))
        {
            return ImageFormat.Tiff;
        }

        return ImageFormat.Unknown;
    }

    /// <summary>Returns the header, or null when the header itself is unreadable.</summary>
    public static ImageHeader? Read(ReadOnlySpan<byte> data)
    {
        var format = Sniff(data);
        (long W, long H)? size = format switch
        {
            ImageFormat.Jpeg => WalkJpeg(data) is { Status: not HeaderStatus.Corrupt } j ? (j.Width, j.Height) : null,
            ImageFormat.Png => data.Length >= 24 && data[12..16].SequenceEqual("IHDR"u8)
                ? (BinaryPrimitives.ReadUInt32BigEndian(data[16..]), BinaryPrimitives.ReadUInt32BigEndian(data[20..]))
                : null,
            ImageFormat.WebP => WebPSize(data),
            ImageFormat.Bmp => data.Length >= 26
                ? (Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[18..])), Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..])))
                : null,
            ImageFormat.Tiff => TiffSize(data),
            _ => null,
        };
        return size is { W: > 0, H: > 0 } s ? new ImageHeader(format, s.W, s.H) : null;
    }

    /// <summary>
    /// Walks the JPEG segments up to the first scan: the frame header gives the size, a segment that runs
    /// past the data or a scan never closed by EOI means the file was cut short. Markers inside an EXIF
    /// thumbnail are skipped with their segment, so they cannot be mistaken for the image's own.
    /// </summary>
    internal static (HeaderStatus Status, long Width, long Height) WalkJpeg(ReadOnlySpan<byte> data)
    {
        long width = 0, height = 0;
        var i = 2;
        while (true)
        {
            if (i + 4 > data.Length)
            {
                return (HeaderStatus.Truncated, 0, 0);
            }

            if (data[i] != 0xFF)
            {
                return (HeaderStatus.Corrupt, 0, 0);
            }

            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            if (length < 2)
            {
                return (HeaderStatus.Corrupt, 0, 0);
            }

            if (i + 2 + length > data.Length)
            {
                return (HeaderStatus.Truncated, 0, 0);
            }

            var isStartOfFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isStartOfFrame && length >= 7)
            {
                height = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 7)..]);
            }

            if (marker == 0xDA)
            {
                if (width == 0 || height == 0)
                {
                    return (HeaderStatus.Corrupt, 0, 0);
                }

                var scan = data[(i + 2 + length)..];
                return scan.LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) < 0 ? (HeaderStatus.Truncated, width, height) : (HeaderStatus.Ok, width, height);
            }

            if (marker == 0xD9)
            {
                return (HeaderStatus.Corrupt, 0, 0);
            }

            i += 2 + length;
        }
    }

    private static (long, long)? WebPSize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 30)
        {
            return null;
        }

        var chunk = data[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            long w = 1 + (data[24] | (data[25] << 8) | (data[26] << 16));
            long h = 1 + (data[27] | (data[28] << 8) | (data[29] << 16));
            return (w, h);
        }

        if (chunk.SequenceEqual("VP8L"u8) && data[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[21..]);
            return (1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF));
        }

        if (chunk.SequenceEqual("VP8 "u8) && data[23] == 0x9D && data[24] == 0x01 && data[25] == 0x2A)
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(data[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data[28..]) & 0x3FFF);
        }

        return null;
    }

    private static (long, long)? TiffSize(ReadOnlySpan<byte> data)
    {
        var little = data[0] == 'I';
        static uint U32(ReadOnlySpan<byte> d, int at, bool le) => le ? BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);
        static ushort U16(ReadOnlySpan<byte> d, int at, bool le) => le ? BinaryPrimitives.ReadUInt16LittleEndian(d[at..]) : BinaryPrimitives.ReadUInt16BigEndian(d[at..]);

        if (data.Length < 8)
        {
            return null;
        }

        var ifd = U32(data, 4, little);
        if (ifd > data.Length - 2)
        {
            return null;
        }

        var count = U16(data, (int)ifd, little);
        long width = 0, height = 0;
        for (var e = 0; e < count; e++)
        {
            var at = (int)ifd + 2 + (e * 12);
            if (at + 12 > data.Length)
            {
                return null;
            }

            var tag = U16(data, at, little);
            var type = U16(data, at + 2, little);
            long value = type == 3 ? U16(data, at + 8, little) : U32(data, at + 8, little);
            if (tag == 256)
            {
                width = value;
            }
            else if (tag == 257)
            {
                height = value;
            }
        }

        return (width, height);
    }
}
