using System.Text;

namespace Visage.Deid.Dicom;

/// <summary>
/// Decodes DICOM string values under a Specific Character Set (0008,0005) (PS3.3 C.12.1.1.2, PS3.5 6.1): single-byte
/// ISO 8859 sets, UTF-8, GB18030/GBK, and ISO 2022 code extensions with escape sequences (Japanese, Korean, Chinese
/// and the ISO 8859 G1 sets). Only used to read values (to clean and scan them); every value we write is ASCII.
/// </summary>
internal sealed class DicomCharacterSet
{
    private const byte Esc = 0x1B;
    private static readonly Encoding Latin1 = Encoding.Latin1;
    private readonly Encoding single;
    private readonly bool codeExtensions;

    static DicomCharacterSet() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private DicomCharacterSet(Encoding single, bool codeExtensions)
    {
        this.single = single;
        this.codeExtensions = codeExtensions;
    }

    public static DicomCharacterSet Default { get; } = new(Latin1, false);

    /// <summary>From the raw value of (0008,0005), e.g. "ISO_IR 100" or "\ISO 2022 IR 87".</summary>
    /// <summary>The character set a data set's own text uses: its Specific Character Set, else the one it inherits from its parent.</summary>
    public static DicomCharacterSet ForDataSet(gdcm.DataSet dataSet, DicomCharacterSet inherited)
    {
        var terms = DicomElementValue.FindText(dataSet, 0x0008, 0x0005, Default);
        return terms is null ? inherited : FromTerms(terms);
    }

    public static DicomCharacterSet FromTerms(string? specificCharacterSet)
    {
        if (string.IsNullOrWhiteSpace(specificCharacterSet))
        {
            return Default;
        }

        var terms = specificCharacterSet.Split('\\').Select(t => t.Trim().TrimEnd('\0')).ToArray();
        if (terms.Any(t => t.StartsWith("ISO 2022", StringComparison.Ordinal)))
        {
            // The first term is the initial G0/G1 state; an empty one means ASCII.
            var initial = terms[0].Length == 0 ? Latin1 : ForTerm(terms[0].Replace("ISO 2022 IR ", "ISO_IR ", StringComparison.Ordinal));
            return new DicomCharacterSet(initial, true);
        }

        return new DicomCharacterSet(ForTerm(terms[^1]), false);
    }

    public string Decode(ReadOnlySpan<byte> bytes)
    {
        if (!codeExtensions || bytes.IndexOf(Esc) < 0)
        {
            return single.GetString(bytes);
        }

        var text = new StringBuilder(bytes.Length);
        var current = single;
        var start = 0;
        var i = 0;
        while (i < bytes.Length)
        {
            if (bytes[i] != Esc)
            {
                i++;
                continue;
            }

            text.Append(current.GetString(bytes[start..i]));
            var (next, escapeLength, keepEscape) = Designation(bytes[i..]);
            if (next is null)
            {
                // Unknown escape: skip the ESC byte alone.
                start = ++i;
                continue;
            }

            current = next;
            start = keepEscape ? i : i + escapeLength;
            i += escapeLength;
        }

        text.Append(current.GetString(bytes[start..]));
        return text.ToString();
    }

    // ISO 2022 escape sequences used by DICOM (PS3.3 Table C.12-3/C.12-4). JIS X 0208 is decoded by the
    // iso-2022-jp decoder, which needs to see its escape; the others are decoded as the bytes after the escape.
    private static (Encoding? Encoding, int Length, bool KeepEscape) Designation(ReadOnlySpan<byte> s)
    {
        static bool Is(ReadOnlySpan<byte> s, string seq) => s.Length >= seq.Length + 1 && s[1..(seq.Length + 1)].SequenceEqual(Encoding.ASCII.GetBytes(seq));

        if (Is(s, "(B") || Is(s, "(J"))
        {
            return (Latin1, 3, false);
        }

        if (Is(s, ")I"))
        {
            return (Encoding.GetEncoding(932), 3, false);
        }

        if (Is(s, "$B") || Is(s, "$@"))
        {
            return (Encoding.GetEncoding(50220), 3, true);
        }

        if (Is(s, "$(D"))
        {
            return (Encoding.GetEncoding(50220), 4, true);
        }

        if (Is(s, "$)C"))
        {
            return (Encoding.GetEncoding(51949), 4, false);
        }

        if (Is(s, "$)A"))
        {
            return (Encoding.GetEncoding(936), 4, false);
        }

        if (s.Length >= 3 && s[1] == (byte)'-')
        {
            var iso8859 = (char)s[2] switch
            {
                'A' => 28591,
                'B' => 28592,
                'C' => 28593,
                'D' => 28594,
                'F' => 28597,
                'G' => 28596,
                'H' => 28598,
                'L' => 28595,
                'M' => 28599,
                'T' => 874,
                _ => 0,
            };
            return iso8859 == 0 ? (null, 0, false) : (Encoding.GetEncoding(iso8859), 3, false);
        }

        return (null, 0, false);
    }

    private static Encoding ForTerm(string term) => term switch
    {
        "" or "ISO_IR 6" => Latin1,
        "ISO_IR 100" => Latin1,
        "ISO_IR 101" => Encoding.GetEncoding(28592),
        "ISO_IR 109" => Encoding.GetEncoding(28593),
        "ISO_IR 110" => Encoding.GetEncoding(28594),
        "ISO_IR 144" => Encoding.GetEncoding(28595),
        "ISO_IR 127" => Encoding.GetEncoding(28596),
        "ISO_IR 126" => Encoding.GetEncoding(28597),
        "ISO_IR 138" => Encoding.GetEncoding(28598),
        "ISO_IR 148" => Encoding.GetEncoding(28599),
        "ISO_IR 203" => Encoding.GetEncoding(28605),
        "ISO_IR 13" => Encoding.GetEncoding(932),
        "ISO_IR 166" => Encoding.GetEncoding(874),
        "ISO_IR 192" => Encoding.UTF8,
        "GB18030" => Encoding.GetEncoding(54936),
        "GBK" => Encoding.GetEncoding(936),
        _ => Latin1,
    };
}
