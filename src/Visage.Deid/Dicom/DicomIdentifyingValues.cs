using System.Text;

namespace Visage.Deid.Dicom;

/// <summary>
/// The original values of one object that de-identification removes or replaces (every string value whose action is
/// X, Z, D, U or a date shift — not K, and not C, whose kept text was judged clean), plus the values given for the
/// whole batch (<see cref="DicomDeidOptions.KnownIdentifyingValues"/>, in <see cref="Given"/> too): decoded for text
/// matching and as raw bytes, so they can be found in an output whatever its character set.
/// </summary>
internal sealed class DicomIdentifyingValues
{
    /// <summary>Raw values shorter than this are not searched for in bytes: too many accidental matches.</summary>
    public const int MinimumRawLength = 4;

    /// <summary>Given values shorter than this are ignored (the text detector's own minimum): too many accidental matches.</summary>
    public const int MinimumGivenLength = 3;

    private readonly HashSet<string> texts = new(StringComparer.Ordinal);
    private readonly HashSet<string> given = new(StringComparer.Ordinal);
    private readonly HashSet<string> uids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> raw = new(StringComparer.Ordinal);

    public IReadOnlySet<string> Texts => texts;

    /// <summary>The batch's given values (also in <see cref="Texts"/>), looked for inside every kept value, not only free text.</summary>
    public IReadOnlySet<string> Given => given;

    /// <summary>Original UIDs that get new values (any attribute holding one of them is remapped too).</summary>
    public IReadOnlySet<string> Uids => uids;

    public IEnumerable<byte[]> Raw => raw.Values;

    /// <summary>Reads the file with GDCM (after <see cref="DicomStructureCheck"/>); null when it is not readable DICOM.</summary>
    public static DicomIdentifyingValues? CollectFromFile(string path, DicomActionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(path);
        DicomElementValue.Initialize();
        if (!DicomStructureCheck.IsWellFormed(File.ReadAllBytes(path)))
        {
            return null;
        }

        var reader = new gdcm.Reader();
        reader.SetFileName(path);
        var values = reader.Read() ? Collect(reader.GetFile().GetDataSet(), policy) : null;

        // The data set is a view into the reader's C++ object.
        GC.KeepAlive(reader);
        return values;
    }

    public static DicomIdentifyingValues Collect(gdcm.DataSet dataSet, DicomActionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        ArgumentNullException.ThrowIfNull(policy);
        var values = new DicomIdentifyingValues();
        values.Walk(dataSet, DicomCharacterSet.Default, policy, 0);
        foreach (var value in policy.Options.KnownIdentifyingValues)
        {
            values.AddGiven(value);
        }

        return values;
    }

    private void Walk(gdcm.DataSet dataSet, DicomCharacterSet charset, DicomActionPolicy policy, int depth)
    {
        charset = DicomCharacterSet.ForDataSet(dataSet, charset);

        foreach (var (element, group, number) in DicomElementValue.Elements(dataSet))
        {
            if ((group & 1) == 1 || number == 0)
            {
                continue;
            }

            var vr = DicomElementValue.Vr(element);
            if (DicomElementValue.IsSequence(element, vr))
            {
                if (depth < DicomDataSetRewriter.MaximumDepth)
                {
                    ForEachItem(element, nested => Walk(nested, charset, policy, depth + 1));
                }

                continue;
            }

            // Numbers and times of day identify no one (HIPAA counts dates, not times), and equal ones occur everywhere.
            if (!DicomElementValue.IsString(vr) || vr is gdcm.VR.VRType.DS or gdcm.VR.VRType.IS or gdcm.VR.VRType.TM)
            {
                continue;
            }

            var (action, _) = policy.For(group, number, vr);
            if (action is ProfileAction.Keep or ProfileAction.Clean)
            {
                continue;
            }

            // Without the shift the Basic Profile keeps dates it does not list (e.g. Instance Creation Date), so equal
            // dates elsewhere are expected; only the birth date is always an identifier.
            if (vr is gdcm.VR.VRType.DA or gdcm.VR.VRType.DT && !policy.Options.RetainLongitudinalModifiedDates && !(group == 0x0010 && number == 0x0030))
            {
                continue;
            }

            Add(DicomElementValue.Bytes(element), charset, vr);
        }
    }

    internal static void ForEachItem(gdcm.DataElement element, Action<gdcm.DataSet> visit)
    {
        var sequence = element.GetValueAsSQ();
        if (sequence is null || sequence.GetPointer() is null)
        {
            return;
        }

        var count = sequence.GetNumberOfItems();
        for (uint i = 1; i <= count; i++)
        {
            visit(sequence.GetItem(i).GetNestedDataSet());
        }

        // Items are views into the sequence, which this smart pointer may be the only owner of (UN, implicit VR).
        GC.KeepAlive(sequence);
    }

    private void Add(byte[] bytes, DicomCharacterSet charset, gdcm.VR.VRType vr)
    {
        var text = charset.Decode(bytes).Trim(' ', '\0');
        if (text.Length == 0)
        {
            return;
        }

        var multiValued = vr is not (gdcm.VR.VRType.LT or gdcm.VR.VRType.ST or gdcm.VR.VRType.UT);
        var parts = multiValued ? text.Split('\\') : [text];
        foreach (var part in parts.Select(p => p.Trim(' ', '\0')).Where(p => p.Length > 0 && !IsOurDummy(p)))
        {
            texts.Add(part);
            if (vr == gdcm.VR.VRType.UI)
            {
                uids.Add(part);
            }
        }

        AddRaw(Trim(bytes));
        if (multiValued && bytes.All(b => b is < 0x80 and not 0x1B))
        {
            foreach (var part in parts)
            {
                AddRaw(Encoding.ASCII.GetBytes(part.Trim(' ', '\0')));
            }
        }
    }

    // Given as text: looked for decoded, and in the raw bytes as UTF-8 (also Latin-1) as typed and in upper case, the
    // way DICOM names and IDs are usually written.
    private void AddGiven(string value)
    {
        var trimmed = value.Trim(' ', '\0');
        if (trimmed.Length < MinimumGivenLength || IsOurDummy(trimmed))
        {
            return;
        }

        texts.Add(trimmed);
        given.Add(trimmed);
        foreach (var form in new[] { trimmed, trimmed.ToUpperInvariant() })
        {
            AddRaw(Encoding.UTF8.GetBytes(form));
            if (!form.All(char.IsAscii) && form.All(c => c <= '\u00FF'))
            {
                AddRaw(Encoding.Latin1.GetBytes(form));
            }
        }
    }

    // An object that was anonymized before may hold our own dummies; they identify no one.
    private static bool IsOurDummy(string value) =>
        value.Equals(DicomDataSetRewriter.DummyText, StringComparison.OrdinalIgnoreCase) ||
        value.Equals(DicomDataSetRewriter.DummyPersonName, StringComparison.OrdinalIgnoreCase);

    private void AddRaw(byte[] bytes)
    {
        if (bytes.Length >= MinimumRawLength && !IsOurDummy(Encoding.Latin1.GetString(bytes)))
        {
            raw.TryAdd(Convert.ToBase64String(bytes), bytes);
        }
    }

    private static byte[] Trim(byte[] bytes)
    {
        int start = 0, end = bytes.Length;
        while (start < end && bytes[start] is (byte)' ' or 0)
        {
            start++;
        }

        while (end > start && bytes[end - 1] is (byte)' ' or 0)
        {
            end--;
        }

        return bytes[start..end];
    }
}
