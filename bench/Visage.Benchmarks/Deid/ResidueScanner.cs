using System.Text;

namespace Visage.Benchmarks.Deid;

/// <summary>
/// Looks for an input's recorded identifying values in a de-identified output: in its raw bytes (UTF-8 and
/// Latin-1) and in its <c>dcmdump</c> text (converted to UTF-8 when DCMTK can), which covers other character sets.
/// A match must end where a DICOM value or component ends, so "TOSHIBA" does not match Manufacturer "TOSHIBA_MEC".
/// </summary>
internal static class ResidueScanner
{
    // Padding, component, group and value separators, and the closing bracket of dcmdump's "[value]".
    private const string ValueEnds = " \0^=\\]\n";

    public static IReadOnlyList<string> FieldsFound(string outputPath, IReadOnlyList<IdentifyingValue> values)
    {
        if (values.Count == 0)
        {
            return [];
        }

        var bytes = File.ReadAllBytes(outputPath);
        var dump = Encoding.UTF8.GetBytes(Dump(outputPath));
        return values
            .Where(v => v.Forms.Any(form => Encodings(form).Any(needle => ContainsValue(bytes, needle) || ContainsValue(dump, needle))))
            .Select(v => v.Field)
            .ToList();
    }

    private static IEnumerable<byte[]> Encodings(string form)
    {
        yield return Encoding.UTF8.GetBytes(form);
        if (form.Any(c => c > 0x7F) && form.All(c => c <= 0xFF))
        {
            yield return Encoding.Latin1.GetBytes(form);
        }
    }

    private static string Dump(string path)
    {
        // -M: pixel data is not loaded, so its bytes cannot match by chance.
        var converted = ExternalTool.Run("dcmdump", ["-M", "+U8", path]);
        return converted.ExitCode == 0 ? converted.Output : ExternalTool.Run("dcmdump", ["-M", path]).Output;
    }

    private static bool ContainsValue(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        var offset = 0;
        while (haystack.Length - offset >= needle.Length)
        {
            var at = haystack[offset..].IndexOf(needle);
            if (at < 0)
            {
                return false;
            }

            var end = offset + at + needle.Length;
            if (end == haystack.Length || ValueEnds.Contains((char)haystack[end], StringComparison.Ordinal))
            {
                return true;
            }

            offset += at + 1;
        }

        return false;
    }
}
