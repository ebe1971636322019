using System.Globalization;
using System.Text;
using Visage.Deid.Dicom;
using Visage.Deid.Dicom.Pixels;
using Visage.Deid.Reports;
using Visage.Deid.Tests.Dicom.Pixels;
using Visage.Deid.Text;

namespace Visage.Deid.Tests.Dicom;

public sealed class DicomDeidentifierTests(DicomCorpusFixture corpus) : IClassFixture<DicomCorpusFixture>
{
    private static readonly string[] InventoryColumns = ["PatientName", "PatientID", "PatientBirthDate", "InstitutionName", "ReferringPhysicianName", "AccessionNumber"];

    [Theory]
    [InlineData("debian_octave-dicom/CT-MONO2-16-ankle.dcm")]
    [InlineData("debian_octave-dicom/US-PAL-8-10x-echo.dcm")]
    [InlineData("debian_python3-pydicom/test_files/GDCMJ2K_TextGBR.dcm")]
    public void Deidentify_FileWithBurnedInText_OutputPixelsHaveNoReadableText(string relative)
    {
        var result = corpus.Results.Single(r => r.Relative == relative.Replace('/', Path.DirectorySeparatorChar));
        Assert.Equal(DeidStatus.Deidentified, result.Report.Status);
        Assert.Contains(result.Report.Redactions, r => r.Source == RedactionSource.Text);
        var verifier = new PixelTextVerifier(new TesseractOcr()) { Thorough = true };
        using var original = DicomImageFile.Open(result.Input)!;
        using var output = DicomImageFile.Open(result.Output)!;
        var before = Words(verifier, original);
        var after = Words(verifier, output);

        // Control: OCR reads the burned-in text in the original, so an empty intersection is not an OCR that reads nothing.
        Assert.True(before.Count >= 3, $"{before.Count} words read in the original");
        Assert.Empty(before.Intersect(after));
    }

    // Words of two or more letters or digits OCR reads on any frame (fragments of blacked-out glyphs read as noise do not match).
    private static HashSet<string> Words(PixelTextVerifier verifier, DicomImageFile file) =>
        verifier.ReadableWords(file.ReadPixels()!, CancellationToken.None)
            .Select(w => new string([.. w.Word.Text.Where(char.IsLetterOrDigit)]).ToUpperInvariant())
            .Where(w => w.Length >= 2)
            .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Deidentify_EveryFile_DeidentifiesDicomAndFailsTheRestWithoutOutput()
    {
        Assert.True(corpus.Results.Count >= 190, $"only {corpus.Results.Count} inputs found");
        foreach (var result in corpus.Results)
        {
            if (result.Report.Status == DeidStatus.Failed)
            {
                Assert.False(File.Exists(result.Output), result.Relative);
                Assert.False(string.IsNullOrWhiteSpace(result.Report.Error), result.Relative);
            }
            else
            {
                Assert.True(File.Exists(result.Output), result.Relative);
                Assert.Equal(result.Output, result.Report.Output);
                Assert.NotEmpty(result.Report.Actions);
            }
        }

        // Every file the inventory lists as DICOM with a patient name, bar the deliberately broken ones, comes through.
        Assert.True(corpus.Succeeded.Count() >= 180, $"only {corpus.Succeeded.Count()} files de-identified");
        Assert.All(
            corpus.Results.Where(r => Path.GetExtension(r.Input) is ".md" or ".txt" or ".json" or ".gz" or ".dump"),
            r => Assert.Equal(DeidStatus.Failed, r.Report.Status));
        Assert.All(
            corpus.Results.Where(r => r.Relative.Contains("charset_files", StringComparison.Ordinal) && r.Input.EndsWith(".dcm", StringComparison.Ordinal)),
            r => Assert.Equal(DeidStatus.Deidentified, r.Report.Status));
    }

    [Fact]
    public void Deidentify_BrokenInputs_FailWithoutOutput()
    {
        Assert.Equal(3, corpus.BadInputs.Count);
        Assert.All(corpus.BadInputs, r =>
        {
            Assert.Equal(DeidStatus.Failed, r.Report.Status);
            Assert.Null(r.Report.Output);
            Assert.False(File.Exists(r.Output));
        });
    }

    [Fact]
    public void Deidentify_EveryOutput_VerifiesWithoutFindings()
    {
        Assert.All(corpus.Succeeded, r => Assert.True(
            r.Report.Findings.Count == 0,
            r.Relative + ": " + string.Join("; ", r.Report.Findings.Select(f => f.Location + " " + f.Detail))));
        Assert.All(corpus.Succeeded, r => Assert.True(r.Report.Clean));
    }

    [Fact]
    public void Deidentify_Originals_AreUnchanged()
    {
        Assert.All(corpus.Results.Concat(corpus.BadInputs), r => Assert.Equal(r.ShaBefore, r.ShaAfter));
    }

    [Fact]
    public void Deidentify_InventoryIdentifiers_AppearNowhereInOutputs()
    {
        var byInput = corpus.Succeeded.ToDictionary(r => r.Relative.Replace('\\', '/'), StringComparer.Ordinal);
        var dumps = corpus.OutputDumps;
        var lines = File.ReadAllLines(Path.Combine(corpus.InputRoot, "INVENTORY.tsv"));
        var header = lines[0].Split('\t');
        var columns = InventoryColumns.Select(c => Array.IndexOf(header, c)).ToArray();
        Assert.DoesNotContain(-1, columns);

        var checkedValues = 0;
        var checkedEncoded = 0;
        foreach (var row in lines.Skip(1).Select(l => l.Split('\t')))
        {
            if (!byInput.TryGetValue(row[0], out var result))
            {
                continue;
            }

            var bytes = File.ReadAllBytes(result.Output);
            var values = dumps[result.Output].Select(e => e.Value).ToList();
            foreach (var column in columns)
            {
                var value = row[column].Trim();
                if (value.Trim('^', '=', ' ').Length < 4)
                {
                    // Too short to tell from chance ("R", "1", "^^^^").
                    continue;
                }

                checkedValues++;
                if (value.All(char.IsAscii))
                {
                    Assert.True(IndexOfWhole(bytes, Encoding.ASCII.GetBytes(value)) < 0, $"{row[0]}: {header[column]} in raw bytes");
                }
                else
                {
                    checkedEncoded += CheckEncodedComponents(File.ReadAllBytes(result.Input), bytes, value, $"{row[0]}: {header[column]}");
                }

                Assert.DoesNotContain(values, v => v.Contains(value, StringComparison.Ordinal));
            }
        }

        Assert.True(checkedValues > 300, $"only {checkedValues} inventory values checked");
        Assert.True(checkedEncoded >= 10, $"only {checkedEncoded} non-ASCII name parts found in the originals' bytes");
    }

    /// <summary>
    /// Each non-ASCII part of a name, in every encoding DICOM allows, that occurs in the original's bytes must not
    /// occur in the output's; returns how many such parts were checked.
    /// </summary>
    private static int CheckEncodedComponents(byte[] original, byte[] output, string value, string what)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        int[] codePages = [65001, 28591, 28592, 28595, 28596, 28597, 28598, 28599, 51949, 936, 54936, 932, 50220];
        var count = 0;
        foreach (var part in value.Split('^', '=').Select(p => p.Trim()).Where(p => p.Length >= 2 && !p.All(char.IsAscii)))
        {
            foreach (var codePage in codePages)
            {
                var encoded = Encoding.GetEncoding(codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback);
                byte[] bytes;
                try
                {
                    bytes = encoded.GetBytes(part);
                }
                catch (EncoderFallbackException)
                {
                    continue;
                }

                if (codePage == 50220)
                {
                    // The JIS X 0208 bytes between the escape sequences.
                    bytes = bytes.Where(b => b != 0x1B).ToArray()[2..^2];
                }

                if (bytes.Length >= 4 && original.AsSpan().IndexOf(bytes) >= 0)
                {
                    count++;
                    Assert.True(output.AsSpan().IndexOf(bytes) < 0, what + " (encoded) in raw bytes");
                }
            }
        }

        return count;
    }

    [Fact]
    public void Deidentify_EveryOutput_IsMarkedAndHasNoPrivateAttributes()
    {
        var dumps = corpus.OutputDumps;
        foreach (var r in corpus.Succeeded)
        {
            Assert.True(dumps.TryGetValue(r.Output, out var elements), r.Relative + " unreadable by dcmdump");
            var codes = elements.Where(e => e.Depth == 2 && e.Group == 0x0008 && e.Element == 0x0100).Select(e => e.Value).ToList();
            Assert.True(elements.Any(e => e.Depth == 0 && e.Group == 0x0012 && e.Element == 0x0062 && e.Value == "YES"), r.Relative + ": PatientIdentityRemoved");
            Assert.True(codes.Contains("113100") && codes.Contains("113105") && codes.Contains("113107"), r.Relative + ": " + string.Join(",", codes));
            // Clean Pixel Data is claimed only when the cleaner saw the pixels and left nothing for a person to check.
            var pixelsCleared = elements.Any(e => e.Depth == 0 && e.Group == 0x7FE0 && e.Element == 0x0010) && !r.Report.NeedsReview.Any(n => n.Contains("ixel", StringComparison.Ordinal));
            Assert.True(codes.Contains("113101") == pixelsCleared, r.Relative + ": 113101 " + string.Join(",", codes));
            Assert.False(elements.Any(e => (e.Group & 1) == 1), r.Relative + ": private attribute left");
        }
    }

    [Fact]
    public void Deidentify_PixelDataWithoutCleaner_IsReportedForReview()
    {
        var input = TestData.Path("dicom", "debian_python3-pydicom", "test_files", "CT_small.dcm");
        var output = Path.Combine(corpus.WorkRoot, "without-cleaner.dcm");
        var report = new DicomDeidentifier(corpus.Key, corpus.Options).Deidentify(input, "CT_small.dcm", output, CancellationToken.None);

        Assert.Equal(DeidStatus.Deidentified, report.Status);
        Assert.Contains(report.NeedsReview, n => n.Contains("no pixel cleaner", StringComparison.Ordinal));
        Assert.Empty(report.Redactions);
    }

    [Fact]
    public void Deidentify_StudyInstanceUids_MapOneToOneAcrossFiles()
    {
        var originals = corpus.OriginalDumps;
        var outputs = corpus.OutputDumps;
        var pairs = corpus.Succeeded
            .Select(r => (In: StudyUid(originals, r.Input), Out: StudyUid(outputs, r.Output)))
            .Where(p => p.In is not null)
            .ToList();

        Assert.True(pairs.Count > 150, $"only {pairs.Count} files with a StudyInstanceUID");
        Assert.All(pairs, p => Assert.NotEqual(p.In, p.Out));
        Assert.All(pairs, p => Assert.StartsWith("2.25.", p.Out, StringComparison.Ordinal));
        var byOriginal = pairs.GroupBy(p => p.In, StringComparer.Ordinal).ToList();
        Assert.Contains(byOriginal, g => g.Count() > 10);
        Assert.All(byOriginal, g => Assert.Single(g.Select(p => p.Out).Distinct(StringComparer.Ordinal)));
        Assert.Equal(byOriginal.Count, pairs.Select(p => p.Out).Distinct(StringComparer.Ordinal).Count());

        static string? StudyUid(IReadOnlyDictionary<string, IReadOnlyList<DumpedElement>> dumps, string path) =>
            dumps.TryGetValue(path, out var elements)
                ? elements.FirstOrDefault(e => e.Depth == 0 && e.Group == 0x0020 && e.Element == 0x000D)?.Value
                : null;
    }

    [Fact]
    public void Deidentify_Dates_ShiftByOneOffsetPerPatientAndKeepOrder()
    {
        var originals = corpus.OriginalDumps;
        var outputs = corpus.OutputDumps;
        var offsets = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var studies = new List<(string Patient, DateOnly In, DateOnly Out)>();
        var shifted = 0;
        foreach (var r in corpus.Succeeded)
        {
            if (!originals.TryGetValue(r.Input, out var before) || !outputs.TryGetValue(r.Output, out var after))
            {
                continue;
            }

            var patient = Top(before, 0x0010, 0x0020);
            if (string.IsNullOrEmpty(patient))
            {
                continue;
            }

            // Study, Series, Acquisition and Content Date.
            foreach (var element in new ushort[] { 0x0020, 0x0021, 0x0022, 0x0023 })
            {
                if (Date(Top(before, 0x0008, element)) is not { } original)
                {
                    continue;
                }

                var output = Date(Top(after, 0x0008, element));
                Assert.True(output is not null, $"{r.Relative}: (0008,{element:X4}) lost");
                var days = output.Value.DayNumber - original.DayNumber;
                Assert.InRange(days, -3650, -1);
                offsets.TryAdd(patient, []);
                offsets[patient].Add(days);
                shifted++;
                if (element == 0x0020)
                {
                    studies.Add((patient, original, output.Value));
                }
            }
        }

        Assert.True(shifted > 100, $"only {shifted} dates compared");
        Assert.Contains(offsets, o => o.Value.Count == 1 && studies.Count(s => s.Patient == o.Key) > 5);
        Assert.All(offsets, o => Assert.Single(o.Value));
        foreach (var group in studies.GroupBy(s => s.Patient, StringComparer.Ordinal))
        {
            var byOriginal = group.OrderBy(s => s.In).Select(s => s.Out).ToList();
            Assert.Equal(byOriginal.Order().ToList(), byOriginal);
        }

        static string? Top(IReadOnlyList<DumpedElement> elements, ushort group, ushort element) =>
            elements.FirstOrDefault(e => e.Depth == 0 && e.Group == group && e.Element == element)?.Value;

        static DateOnly? Date(string? value) =>
            value is { Length: 8 } && DateOnly.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
    }

    [Fact]
    public void Deidentify_Reports_NameTagsAndReasonsNotValues()
    {
        var inventory = File.ReadAllLines(Path.Combine(corpus.InputRoot, "INVENTORY.tsv")).Skip(1)
            .Select(l => l.Split('\t')[3].Trim())
            .Where(v => v.Trim('^', '=', ' ').Length >= 4)
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(inventory);
        foreach (var report in corpus.Results.Concat(corpus.BadInputs).Select(r => r.Report))
        {
            var text = string.Join("\n", report.Actions.Select(a => a.Target + " " + a.Reason)
                .Concat(report.NeedsReview)
                .Concat(report.Findings.Select(f => f.Location + " " + f.Detail))
                .Append(report.Error ?? ""));
            Assert.DoesNotContain(inventory, name => text.Contains(name, StringComparison.Ordinal));
        }

        var ct = corpus.Succeeded.Single(r => r.Relative.EndsWith("test_files/CT_small.dcm", StringComparison.Ordinal)).Report;
        Assert.Contains(ct.Actions, a => a.Target == "(0010,0010) PatientName" && a.Kind == DeidActionKind.Replaced);
        Assert.Contains(ct.Actions, a => a.Target == "(0020,000D) StudyInstanceUID" && a.Kind == DeidActionKind.Replaced && a.Reason == "Basic Profile U");
        Assert.Contains(ct.Actions, a => a.Target == "(0008,0020) StudyDate" && a.Kind == DeidActionKind.DateShifted);
        Assert.Contains(ct.Actions, a => a.Target.EndsWith(" private", StringComparison.Ordinal) && a.Kind == DeidActionKind.Removed);
    }

    // A numeric value must not be part of a longer number (an ID inside a new UID is no leak).
    private static int IndexOfWhole(byte[] haystack, byte[] value)
    {
        for (var from = 0; ;)
        {
            var found = haystack.AsSpan(from).IndexOf(value);
            if (found < 0)
            {
                return -1;
            }

            var at = from + found;
            var end = at + value.Length;
            var digitStart = char.IsAsciiDigit((char)value[0]) && at > 0 && (char.IsAsciiDigit((char)haystack[at - 1]) || haystack[at - 1] == '.');
            var digitEnd = char.IsAsciiDigit((char)value[^1]) && end < haystack.Length && (char.IsAsciiDigit((char)haystack[end]) || haystack[end] == '.');
            if (!digitStart && !digitEnd)
            {
                return at;
            }

            from = at + 1;
        }
    }
}
