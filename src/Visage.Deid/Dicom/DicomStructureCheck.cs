using System.Buffers.Binary;
using System.Text;

namespace Visage.Deid.Dicom;

/// <summary>
/// Walks a file's DICOM encoding (PS3.10 preamble and file meta, then the data set in its transfer syntax: explicit
/// or implicit VR, little or big endian, sequences and items of defined or undefined length, encapsulated pixel data)
/// and checks that every length fits. GDCM (Debian's build keeps its assertions) aborts the whole process on some
/// malformed files, e.g. a truncated file meta group or a sequence longer than the file, so nothing that fails this
/// check is handed to it. Deflated data sets are checked up to the file meta only.
/// </summary>
internal static class DicomStructureCheck
{
    private const int MaximumDepth = 64;
    private const uint Undefined = 0xFFFFFFFF;
    private const uint ItemTag = 0xFFFEE000;
    private const uint ItemDelimiter = 0xFFFEE00D;
    private const uint SequenceDelimiter = 0xFFFEE0DD;
    private const uint PixelDataTag = 0x7FE00010;

    private static readonly HashSet<string> LongVrs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"];

    private static readonly HashSet<string> KnownVrs =
    [
        "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM",
        "UI", "UL", "US", .. LongVrs,
    ];

    private readonly record struct Syntax(bool Explicit, bool BigEndian);

    /// <summary>True when the file is DICOM whose structure is consistent enough to hand to GDCM.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> file)
    {
        try
        {
            return Check(file);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool Check(ReadOnlySpan<byte> file)
    {
        var pos = file.Length >= 132 && file.Slice(128, 4).SequenceEqual("DICM"u8) ? 132 : 0;
        string? transferSyntax = null;
        var sawMeta = false;
        long? metaEnd = null;

        // File meta information: group 0002, explicit VR little endian (tolerating implicit VR in old files).
        while (pos + 8 <= file.Length && BinaryPrimitives.ReadUInt16LittleEndian(file[pos..]) == 0x0002)
        {
            sawMeta = true;
            var element = BinaryPrimitives.ReadUInt16LittleEndian(file[(pos + 2)..]);
            var meta = new Syntax(IsVr(file[(pos + 4)..]), false);
            var (length, header) = ReadLength(file, pos, meta, out _);
            if (length == Undefined || pos + header + (long)length > file.Length)
            {
                return false;
            }

            if (element == 0x0010)
            {
                transferSyntax = Encoding.ASCII.GetString(file.Slice(pos + header, (int)length)).Trim(' ', '\0');
            }

            if (element == 0x0000 && length == 4)
            {
                metaEnd = pos + header + 4 + (long)BinaryPrimitives.ReadUInt32LittleEndian(file[(pos + header)..]);
            }

            pos += header + (int)length;
        }

        if (metaEnd is not null && metaEnd != pos)
        {
            // A stale File Meta Information Group Length makes other readers misplace the data set.
            return false;
        }

        if (pos >= file.Length - 7)
        {
            // Meta only, or nothing at all: no data set to de-identify.
            return false;
        }

        Syntax syntax;
        switch (transferSyntax)
        {
            case "1.2.840.10008.1.2":
                syntax = new Syntax(false, false);
                break;
            case "1.2.840.10008.1.2.2":
                syntax = new Syntax(true, true);
                break;
            case "1.2.840.10008.1.2.1.99":
                return true;
            case null or "":
                syntax = Guess(file[pos..]);
                break;
            default:
                syntax = new Syntax(true, false);
                break;
        }

        var end = Elements(file, pos, file.Length, syntax, 0, untilItemDelimiter: false);
        return end >= 0 && (sawMeta || StartsLikeDataSet(file, pos, syntax));
    }

    // A data set without file meta must at least begin with a public group at or below the pixel data's.
    private static bool StartsLikeDataSet(ReadOnlySpan<byte> file, int pos, Syntax syntax)
    {
        var group = Read16(file[pos..], syntax.BigEndian);
        return group is >= 0x0002 and <= 0x7FE0;
    }

    private static Syntax Guess(ReadOnlySpan<byte> data)
    {
        var explicitVr = IsVr(data[4..]);
        var little = BinaryPrimitives.ReadUInt16LittleEndian(data);
        var big = BinaryPrimitives.ReadUInt16BigEndian(data);
        return new Syntax(explicitVr, little > 0x00FF && big <= 0x00FF);
    }

    /// <summary>Walks elements from <paramref name="pos"/> to <paramref name="end"/> (or an item delimiter); returns where it stopped, or -1.</summary>
    private static int Elements(ReadOnlySpan<byte> file, int pos, int end, Syntax syntax, int depth, bool untilItemDelimiter)
    {
        if (depth > MaximumDepth)
        {
            return -1;
        }

        while (pos < end)
        {
            if (pos + 8 > end)
            {
                // Trailing padding shorter than an element header is tolerated at the top level only.
                return depth == 0 && !untilItemDelimiter ? end : -1;
            }

            var tag = Tag(file[pos..], syntax.BigEndian);
            if (tag == ItemDelimiter)
            {
                return untilItemDelimiter ? pos + 8 : -1;
            }

            if (tag is ItemTag or SequenceDelimiter)
            {
                return -1;
            }

            var elementSyntax = syntax;
            var (length, header) = ReadLength(file, pos, syntax, out var vr);
            if (syntax.Explicit && !KnownVrs.Contains(vr))
            {
                return -1;
            }

            pos += header;
            if (length == Undefined)
            {
                if (tag == PixelDataTag && vr != "SQ")
                {
                    pos = Fragments(file, pos, end, syntax);
                }
                else
                {
                    // An undefined-length UN holds implicit VR little endian (PS3.5 6.2.2).
                    var inner = vr == "UN" ? new Syntax(false, false) : elementSyntax;
                    pos = Items(file, pos, end, inner, depth + 1, undefinedLength: true);
                }

                if (pos < 0)
                {
                    return -1;
                }

                continue;
            }

            if (pos + (long)length > end)
            {
                return -1;
            }

            if (vr == "SQ" && Items(file, pos, pos + (int)length, syntax, depth + 1, undefinedLength: false) != pos + (int)length)
            {
                return -1;
            }

            pos += (int)length;
        }

        return untilItemDelimiter ? -1 : pos;
    }

    private static int Items(ReadOnlySpan<byte> file, int pos, int end, Syntax syntax, int depth, bool undefinedLength)
    {
        while (pos < end)
        {
            if (pos + 8 > end)
            {
                return -1;
            }

            var tag = Tag(file[pos..], syntax.BigEndian);
            var length = Read32(file[(pos + 4)..], syntax.BigEndian);
            pos += 8;
            if (tag == SequenceDelimiter)
            {
                return undefinedLength ? pos : -1;
            }

            if (tag != ItemTag)
            {
                return -1;
            }

            if (length == Undefined)
            {
                pos = Elements(file, pos, end, syntax, depth, untilItemDelimiter: true);
                if (pos < 0)
                {
                    return -1;
                }
            }
            else
            {
                if (pos + (long)length > end || Elements(file, pos, pos + (int)length, syntax, depth, untilItemDelimiter: false) != pos + (int)length)
                {
                    return -1;
                }

                pos += (int)length;
            }
        }

        return undefinedLength ? -1 : pos;
    }

    private static int Fragments(ReadOnlySpan<byte> file, int pos, int end, Syntax syntax)
    {
        while (pos + 8 <= end)
        {
            var tag = Tag(file[pos..], syntax.BigEndian);
            var length = Read32(file[(pos + 4)..], syntax.BigEndian);
            pos += 8;
            if (tag == SequenceDelimiter)
            {
                return pos;
            }

            if (tag != ItemTag || length == Undefined || pos + (long)length > end)
            {
                return -1;
            }

            pos += (int)length;
        }

        return -1;
    }

    private static (uint Length, int Header) ReadLength(ReadOnlySpan<byte> file, int pos, Syntax syntax, out string vr)
    {
        if (!syntax.Explicit)
        {
            vr = "";
            return (Read32(file[(pos + 4)..], syntax.BigEndian), 8);
        }

        vr = Encoding.ASCII.GetString(file.Slice(pos + 4, 2));
        if (LongVrs.Contains(vr))
        {
            if (pos + 12 > file.Length)
            {
                throw new FormatException();
            }

            return (Read32(file[(pos + 8)..], syntax.BigEndian), 12);
        }

        return (Read16(file[(pos + 6)..], syntax.BigEndian), 8);
    }

    private static bool IsVr(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 2 && bytes[0] is >= (byte)'A' and <= (byte)'Z' && bytes[1] is >= (byte)'A' and <= (byte)'Z';

    private static uint Tag(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        ((uint)Read16(bytes, bigEndian) << 16) | Read16(bytes[2..], bigEndian);

    private static ushort Read16(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);

    private static uint Read32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
