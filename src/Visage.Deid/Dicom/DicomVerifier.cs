using System.Globalization;
using System.Text;
using Visage.Deid.Reports;
using Visage.Deid.Text;

namespace Visage.Deid.Dicom;

/// <summary>What the rescan found: findings (something identifying is left) and points a person should look at.</summary>
internal sealed record DicomVerification(IReadOnlyList<VerificationFinding> Findings, IReadOnlyList<string> NeedsReview);

/// <summary>
/// Independent rescan of a de-identified DICOM file: reads the output back from disk and reports
/// <list type="bullet">
/// <item>every original identifying value (see <see cref="DicomIdentifyingValues"/>) found in an output element —
/// free text (LO, LT, SH, ST, UT, UC, PN) through <see cref="PhiDetector"/>, other string values when equal — or
/// anywhere in the output's raw bytes (the original's raw bytes are searched, so every character set is covered);</item>
/// <item>every value given for the batch (<see cref="DicomDeidOptions.KnownIdentifyingValues"/>) inside any string
/// value, whatever its VR;</item>
/// <item>every private attribute left that the options did not keep;</item>
/// <item>PHI-shaped text (dates, phone numbers, ...) in free-text values as needing review, not as a finding: the
/// patterns also match harmless text (version strings, protocol names) and the profile keeps those attributes.</item>
/// </list>
/// The de-identification marks we write ourselves are left out, so they never trigger a finding.
/// </summary>
internal sealed class DicomVerifier(DicomDeidOptions options)
{
    private const int MinimumTextLength = 4;
    private readonly DicomActionPolicy policy = new(ConfidentialityProfile.Standard, options);

    public DicomVerification Verify(string originalPath, string outputPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(originalPath);
        DicomElementValue.Initialize();
        var known = DicomIdentifyingValues.CollectFromFile(originalPath, policy);
        if (known is null)
        {
            return new DicomVerification([new VerificationFinding("original", FindingKind.Metadata, "The original could not be re-read to compare with")], []);
        }

        return Verify(known, outputPath, ct);
    }

    /// <summary>
    /// As above with the original's identifying values already collected (the de-identifier has them, read before it
    /// changed anything, and they are immutable); the output is still read back from disk.
    /// </summary>
    public DicomVerification Verify(DicomIdentifyingValues known, string outputPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(outputPath);
        DicomElementValue.Initialize();
        var findings = new List<VerificationFinding>();
        var review = new List<string>();
        ct.ThrowIfCancellationRequested();

        var outputBytes = File.ReadAllBytes(outputPath);
        if (!DicomStructureCheck.IsWellFormed(outputBytes))
        {
            findings.Add(new VerificationFinding("output", FindingKind.Metadata, "The output is not well-formed DICOM"));
            return new DicomVerification(findings, review);
        }

        var outputReader = new gdcm.Reader();
        outputReader.SetFileName(outputPath);
        if (!outputReader.Read())
        {
            findings.Add(new VerificationFinding("output", FindingKind.Metadata, "The output is not readable DICOM"));
            return new DicomVerification(findings, review);
        }

        var scan = new ElementScan(known, options, findings, review);
        var file = outputReader.GetFile();
        scan.Walk(file.GetHeader(), DicomCharacterSet.Default, "", 0);
        scan.Walk(file.GetDataSet(), DicomCharacterSet.Default, "", 0);
        ct.ThrowIfCancellationRequested();

        GC.KeepAlive(outputReader);
        ScanBytes(outputBytes, [.. DicomDeidentificationMarks.Texts, .. scan.ToolkitTexts], known, findings);
        return new DicomVerification(findings, review);
    }

    private static void ScanBytes(byte[] output, IEnumerable<string> ownTexts, DicomIdentifyingValues known, List<VerificationFinding> findings)
    {
        // Blank out what we and the toolkit wrote (method text, codes, implementation UID and version), so it cannot
        // match an original value.
        foreach (var own in ownTexts.Where(t => t.Length >= DicomIdentifyingValues.MinimumRawLength))
        {
            var bytes = Encoding.ASCII.GetBytes(own);
            for (var at = output.AsSpan().IndexOf(bytes); at >= 0;)
            {
                output.AsSpan(at, bytes.Length).Clear();
                var next = output.AsSpan(at + bytes.Length).IndexOf(bytes);
                at = next < 0 ? -1 : at + bytes.Length + next;
            }
        }

        foreach (var value in known.Raw)
        {
            var at = IndexOfWhole(output, value);
            if (at >= 0)
            {
                findings.Add(new VerificationFinding(
                    string.Create(CultureInfo.InvariantCulture, $"byte offset {at}"),
                    FindingKind.OriginalValue,
                    "An original identifying value occurs in the output's bytes"));
            }
        }
    }

    /// <summary>
    /// First occurrence of <paramref name="value"/> that is not part of a longer number: a value starting or ending
    /// with a digit must not touch another digit or a dot there (so an original ID or date inside a new UID is no match).
    /// </summary>
    internal static int IndexOfWhole(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> value)
    {
        var offset = 0;
        while (true)
        {
            var found = haystack[offset..].IndexOf(value);
            if (found < 0)
            {
                return -1;
            }

            var at = offset + found;
            var end = at + value.Length;
            var badStart = IsDigit(value[0]) && at > 0 && IsNumberPart(haystack[at - 1]);
            var badEnd = IsDigit(value[^1]) && end < haystack.Length && IsNumberPart(haystack[end]);
            if (!badStart && !badEnd)
            {
                return at;
            }

            offset = at + 1;
        }

        static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
        static bool IsNumberPart(byte b) => IsDigit(b) || b == (byte)'.';
    }

    private sealed class ElementScan(DicomIdentifyingValues known, DicomDeidOptions options, List<VerificationFinding> findings, List<string> review)
    {
        private readonly PhiDetector detector = new(known.Texts);
        private readonly PhiDetector? given = known.Given.Count > 0 ? new PhiDetector(known.Given) : null;
        private readonly HashSet<string> exact = known.Texts.Where(t => t.Length >= MinimumTextLength).ToHashSet(StringComparer.Ordinal);

        /// <summary>The writing toolkit's Implementation Class UID and Version Name, which are its, not the original's.</summary>
        public List<string> ToolkitTexts { get; } = [];

        public void Walk(gdcm.DataSet dataSet, DicomCharacterSet charset, string path, int depth)
        {
            charset = DicomCharacterSet.ForDataSet(dataSet, charset);

            foreach (var (element, group, number) in DicomElementValue.Elements(dataSet))
            {
                var location = path + DicomElementValue.Name(group, number);
                if (group == 0x0012 && number is 0x0063 or 0x0064)
                {
                    continue;
                }

                if (group == 0x0002 && number is 0x0012 or 0x0013)
                {
                    ToolkitTexts.Add(DicomElementValue.Text(element, DicomCharacterSet.Default));
                    continue;
                }

                if ((group & 1) == 1)
                {
                    CheckPrivate(dataSet, element, group, number, location);
                }

                var vr = DicomElementValue.Vr(element);
                if (DicomElementValue.IsSequence(element, vr))
                {
                    if (depth < DicomDataSetRewriter.MaximumDepth)
                    {
                        var index = 0;
                        DicomIdentifyingValues.ForEachItem(element, nested => Walk(nested, charset, $"{location}[{++index}].", depth + 1));
                    }

                    continue;
                }

                if (DicomElementValue.IsString(vr))
                {
                    CheckText(DicomElementValue.Text(element, charset), vr, group, number, location);
                }
            }
        }

        private void CheckPrivate(gdcm.DataSet dataSet, gdcm.DataElement element, ushort group, ushort number, string location)
        {
            bool kept;
            if (number is >= 0x0010 and <= 0x00FF)
            {
                var creator = DicomElementValue.Text(element, DicomCharacterSet.Default);
                kept = options.KeptPrivateTags.Any(k => k.Group == group && string.Equals(k.Creator.Trim(), creator, StringComparison.Ordinal));
            }
            else
            {
                var creator = number >= 0x1000 ? DicomElementValue.FindText(dataSet, group, (ushort)(number >> 8), DicomCharacterSet.Default) : null;
                kept = options.Keeps(group, creator, number);
            }

            if (!kept)
            {
                findings.Add(new VerificationFinding(location, FindingKind.Metadata, "Private attribute left that was not configured to be kept"));
            }
        }

        // Code values ("5.6.3-9-1") and software versions ("1.2.3.4") look like dates and addresses but are neither.
        private static bool IsCodeOrVersion(ushort group, ushort number) =>
            (group == 0x0008 && number is 0x0100 or 0x0102 or 0x0103 or 0x0119) || (group == 0x0018 && number == 0x1020);

        private void CheckText(string text, gdcm.VR.VRType vr, ushort group, ushort number, string location)
        {
            if (text.Length == 0)
            {
                return;
            }

            if (DicomDataSetRewriter.ContainsGiven(given, text, vr))
            {
                findings.Add(new VerificationFinding(location, FindingKind.OriginalValue, "Contains an identifying value given for this batch"));
                return;
            }

            if (DicomElementValue.IsFreeText(vr))
            {
                var matches = detector.Find(text);
                if (matches.Any(m => m.Kind == PhiKind.KnownIdentifier))
                {
                    findings.Add(new VerificationFinding(location, FindingKind.OriginalValue, "Contains an original identifying value"));
                }

                var patterns = matches.Where(m => m.Kind != PhiKind.KnownIdentifier).Select(m => m.Kind).Distinct().ToList();
                if (patterns.Count > 0 && !IsCodeOrVersion(group, number))
                {
                    review.Add($"{location}: text looks like {string.Join(", ", patterns)}");
                }

                return;
            }

            if (vr is gdcm.VR.VRType.IS or gdcm.VR.VRType.DS)
            {
                // Numbers alone identify no one; an equal count or size is no leak.
                return;
            }

            if (text.Split('\\').Any(v => exact.Contains(v.Trim(' ', '\0'))))
            {
                findings.Add(new VerificationFinding(location, FindingKind.OriginalValue, "Equals an original identifying value"));
            }
        }
    }
}
