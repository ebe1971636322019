using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Visage.Deid.Batch;
using Visage.Deid.Dicom;
using Visage.Deid.Dicom.Pixels;
using Visage.Deid.Reports;
using Visage.Deid.Tests.Dicom.Pixels;
using Visage.Deid.Text;

namespace Visage.Deid.Tests.Dicom;

/// <summary>
/// Values given for a batch (<c>--known-value</c>) planted by an independent writer (DCMTK's dcmodify) into attributes
/// the Basic Profile keeps or cleans, into a kept private attribute, and read from burned-in text.
/// </summary>
public sealed class DicomDeidentifierKnownValueTests : IDisposable
{
    private const string Name = "Jane Roe";
    private const string RecordNumber = "ZX7788123";
    private static readonly string[] Given = [Name, RecordNumber];
    private static readonly DicomPrivateTag[] KeptPrivate = [new(0x0009, "VISAGE TEST", 0x01), new(0x0009, "VISAGE TEST", 0x02)];
    private readonly string work = Directory.CreateTempSubdirectory("visage-dicom-known-").FullName;
    private readonly BatchKey key = new(RandomNumberGenerator.GetBytes(BatchKey.KeyBytes));

    [Fact]
    public void Deidentify_GivenValuesInKeptCleanedAndPrivateAttributes_GoneFromTheOutputAndReported()
    {
        var input = Planted();
        var options = new DicomDeidOptions { KnownIdentifyingValues = Given, KeptPrivateTags = KeptPrivate };
        var without = Run(input, new DicomDeidOptions { KeptPrivateTags = KeptPrivate });
        var output = Path.Combine(work, "with.dcm");

        var report = new DicomDeidentifier(key, options).Deidentify(input, "planted.dcm", output, CancellationToken.None);

        // The control: without the given values every planted value survives, so their absence below is the option's doing.
        Assert.All(Given, v => Assert.Contains(v, Latin1(without), StringComparison.OrdinalIgnoreCase));
        Assert.Equal(DeidStatus.Deidentified, report.Status);
        var text = Latin1(output);
        Assert.All(Given, v => Assert.DoesNotContain(v, text, StringComparison.OrdinalIgnoreCase));
        Assert.Empty(report.Findings);
        Assert.Contains(report.Actions, a => a.Target == "(0008,1090) ManufacturerModelName" && a.Kind == DeidActionKind.Emptied && a.Reason == DicomDataSetRewriter.GivenValueReason);
        Assert.Contains(report.Actions, a => a.Target == "(0018,0015) BodyPartExamined" && a.Kind == DeidActionKind.Replaced && a.Reason == DicomDataSetRewriter.GivenValueReason);
        Assert.Contains(report.Actions, a => a.Target == "(0020,4000) ImageComments" && a.Kind == DeidActionKind.Emptied && a.Reason.Contains("given for this batch", StringComparison.Ordinal));
        Assert.Contains(report.Actions, a => a.Target == "(0009,1001) private" && a.Kind == DeidActionKind.Removed && a.Reason.Contains("given for this batch", StringComparison.Ordinal));

        // A kept private attribute without a given value stays.
        Assert.Contains("kept private text", text, StringComparison.Ordinal);
        var reported = DeidReportJson.Serialize(report);
        Assert.All(Given, v => Assert.DoesNotContain(v, reported, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Verify_GivenValueLeftInACodedValue_IsAFindingWithoutTheValue()
    {
        var output = Path.Combine(work, "out.dcm");
        var options = new DicomDeidOptions { KnownIdentifyingValues = Given };
        var input = TestData.Path("dicom", "debian_python3-pydicom", "test_files", "CT_small.dcm");
        Assert.Equal(DeidStatus.Deidentified, new DicomDeidentifier(key, options).Deidentify(input, "CT_small.dcm", output, CancellationToken.None).Status);
        Assert.Empty(new DicomVerifier(options).Verify(input, output, CancellationToken.None).Findings);

        Modify(output, $"(0018,0015)=KNEE {RecordNumber}");
        var findings = new DicomVerifier(options).Verify(input, output, CancellationToken.None).Findings;

        Assert.Contains(findings, f => f.Location == "(0018,0015) BodyPartExamined" && f.Detail.Contains("given for this batch", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Location.StartsWith("byte offset", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => (f.Location + f.Detail).Contains(RecordNumber, StringComparison.Ordinal));
        Assert.Empty(new DicomVerifier(new DicomDeidOptions()).Verify(input, output, CancellationToken.None).Findings);
    }

    [Fact]
    public void Deidentify_GivenValueBurnedInWithoutPixelCleaning_OnlyThatWordIsBlackedOut()
    {
        var input = TestData.Path("dicom", "debian_octave-dicom", "CT-MONO2-16-ankle.dcm");
        var ocr = new TesseractOcr();
        var options = new DicomDeidOptions { CleanPixelData = false, KnownIdentifyingValues = ["JFK"] };
        var output = Path.Combine(work, "ankle.dcm");
        var control = Path.Combine(work, "ankle-control.dcm");

        var report = DicomPipeline.Create(key, options, [], ocr, null).Deidentify(input, "ankle.dcm", output, CancellationToken.None);
        var controlReport = DicomPipeline.Create(key, options with { KnownIdentifyingValues = [] }, [], ocr, null).Deidentify(input, "ankle.dcm", control, CancellationToken.None);

        Assert.Equal(DeidStatus.Deidentified, report.Status);
        Assert.Contains(report.Redactions, r => r.Source == RedactionSource.Text);
        Assert.Empty(controlReport.Redactions);
        var verifier = new PixelTextVerifier(ocr) { Thorough = true };
        var before = Words(verifier, control);
        var after = Words(verifier, output);
        Assert.Contains("JFK", before);
        Assert.DoesNotContain("JFK", after);

        // Text cleaning is off: the rest of the annotation is left as it was.
        Assert.Contains("CENTER", after);
    }

    private static HashSet<string> Words(PixelTextVerifier verifier, string path)
    {
        using var file = DicomImageFile.Open(path)!;
        return verifier.ReadableWords(file.ReadPixels()!, CancellationToken.None)
            .Select(w => new string([.. w.Word.Text.Where(char.IsLetterOrDigit)]).ToUpperInvariant())
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>CT_small with the given values in a kept attribute, a cleaned one, a coded one and a kept private one.</summary>
    private string Planted()
    {
        var path = Path.Combine(work, "planted.dcm");
        File.Copy(TestData.Path("dicom", "debian_python3-pydicom", "test_files", "CT_small.dcm"), path);
        Modify(
            path,
            $"(0008,1090)=Scanner of {Name}",
            $"(0020,4000)=follow-up for {Name.ToUpperInvariant()}",
            $"(0018,0015)={RecordNumber}",
            "(0009,0010)=VISAGE TEST",
            $"(0009,1001)=owner {Name}",
            "(0009,1002)=kept private text");
        return path;
    }

    private string Run(string input, DicomDeidOptions options)
    {
        var output = Path.Combine(work, Guid.NewGuid().ToString("N") + ".dcm");
        Assert.Equal(DeidStatus.Deidentified, new DicomDeidentifier(key, options).Deidentify(input, "planted.dcm", output, CancellationToken.None).Status);
        return output;
    }

    private static string Latin1(string path) => Encoding.Latin1.GetString(File.ReadAllBytes(path));

    // One call each: a private creator must exist before its block is used.
    private static void Modify(string path, params string[] assignments)
    {
        foreach (var assignment in assignments)
        {
            var start = new ProcessStartInfo("dcmodify") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-nb", "-i", assignment, path })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "dcmodify failed: " + stderr.Result);
        }
    }

    public void Dispose()
    {
        key.Dispose();
        Directory.Delete(work, recursive: true);
    }
}
