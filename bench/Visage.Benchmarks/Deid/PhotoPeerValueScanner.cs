using System.Buffers.Binary;
using System.Text;

namespace Visage.Benchmarks.Deid;

/// <summary>
/// Looks for a photo's recorded identifying values in an output's raw bytes: text as UTF-8, Latin-1 and UTF-16LE
/// (Windows XP tags), serial numbers and times also as 32-bit integers, and GPS also as the EXIF rationals degrees/1
/// followed by the minutes, in either byte order.
/// </summary>
internal static class PhotoPeerValueScanner
{
    public static IReadOnlyList<string> FieldsFound(byte[] output, IReadOnlyList<PhotoPeerValue> values)
    {
        // Text is compared ignoring ASCII case: Nikon writes "NO= ..." where exiftool shows "No= ...".
        var folded = FoldAsciiCase(output);
        return values
            .Where(v => v.Forms.Any(form => Encodings(form.ToLowerInvariant()).Any(needle => folded.AsSpan().IndexOf(needle) >= 0))
                || v.Numbers.Any(n => ContainsNumber(output, n))
                || v.Coordinates.Any(c => ContainsRationals(output, c)))
            .Select(v => v.Field)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static byte[] FoldAsciiCase(byte[] data)
    {
        var folded = (byte[])data.Clone();
        for (var i = 0; i < folded.Length; i++)
        {
            if (folded[i] is >= (byte)'A' and <= (byte)'Z')
            {
                folded[i] += 'a' - 'A';
            }
        }

        return folded;
    }

    private static bool ContainsNumber(byte[] output, uint value)
    {
        var needle = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(needle, value);
        if (output.AsSpan().IndexOf(needle) >= 0)
        {
            return true;
        }

        BinaryPrimitives.WriteUInt32BigEndian(needle, value);
        return output.AsSpan().IndexOf(needle) >= 0;
    }

    private static IEnumerable<byte[]> Encodings(string form)
    {
        yield return Encoding.UTF8.GetBytes(form);
        if (form.Any(c => c > 0x7F) && form.All(c => c <= 0xFF))
        {
            yield return Encoding.Latin1.GetBytes(form);
        }

        yield return Encoding.Unicode.GetBytes(form);
    }

    // Degrees are written as an exact integer over 1; the minutes rational that follows varies (38/1, 3815/100, ...),
    // so only its integer part is compared.
    private static bool ContainsRationals(byte[] output, double coordinate)
    {
        var degrees = (uint)coordinate;
        var minutes = (uint)((coordinate - degrees) * 60);
        foreach (var bigEndian in new[] { false, true })
        {
            var needle = new byte[8];
            Write(needle, 0, degrees, bigEndian);
            Write(needle, 4, 1, bigEndian);
            for (var at = output.AsSpan().IndexOf(needle); at >= 0;)
            {
                var next = at + 8;
                if (next + 8 <= output.Length)
                {
                    var numerator = Read(output, next, bigEndian);
                    var denominator = Read(output, next + 4, bigEndian);
                    if (denominator != 0 && numerator / denominator == minutes)
                    {
                        return true;
                    }
                }

                var further = output.AsSpan(at + 1).IndexOf(needle);
                at = further < 0 ? -1 : at + 1 + further;
            }
        }

        return false;
    }

    private static void Write(byte[] buffer, int offset, uint value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset), value);
        }
    }

    private static uint Read(byte[] buffer, int offset, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(offset)) : BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
}
