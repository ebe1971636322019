using System.Security.Cryptography;
using Visage.Deid.Batch;
using Visage.Deid.Dicom;
using Visage.Deid.Reports;

namespace Visage.Deid.Tests.Dicom;

/// <summary>
/// The pixel stage hook, exercised with stand-in stages. They are bound by reflection because the test project has
/// no compile-time reference to GDCM's C# bindings (the stage's image parameter is a gdcm.Image).
/// </summary>
public sealed class DicomPixelStageTests : IDisposable
{
    private static readonly List<DicomObjectInfo> Seen = [];
    private static PixelStageResult nextResult = new(false, [], []);
    private readonly string work = Directory.CreateTempSubdirectory("visage-dicom-pixels-").FullName;
    private readonly BatchKey key = new(RandomNumberGenerator.GetBytes(BatchKey.KeyBytes));

    [Fact]
    public void Deidentify_StageCleansWithoutChanges_MarksBurnedInAnnotationNo()
    {
        var input = TestData.Path("dicom", "debian_python3-pydicom", "test_files", "CT_small.dcm");
        var report = Run(input, new PixelStageResult(false, [new PixelRedaction(RedactionSource.Text, 0, 1, 2, 3, 4)], []), out var dump);

        Assert.True(report.Clean);
        Assert.Single(report.Redactions);
        Assert.DoesNotContain(report.NeedsReview, n => n.Contains("pixel", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("NO", dump.Single(e => e.Depth == 0 && e.Group == 0x0028 && e.Element == 0x0301).Value);
        var codes = dump.Where(e => e.Depth == 2 && e.Group == 0x0008 && e.Element == 0x0100).Select(e => e.Value).ToList();
        Assert.Contains("113101", codes);
        Assert.Contains("113102", codes);

        var info = Assert.Single(Seen);
        Assert.Equal("CT", info.Modality);
        Assert.Equal("GE MEDICAL SYSTEMS", info.Manufacturer);
        Assert.Contains("CompressedSamples^CT1", info.KnownIdentifyingValues);
    }

    [Fact]
    public void Deidentify_StageChangesPixels_WritesTheImageWithoutIconOrOverlays()
    {
        var input = TestData.Path("dicom", "debian_octave-dicom", "simpleImageWithIcon.dcm");
        var report = Run(input, new PixelStageResult(true, [], []), out var dump);

        Assert.True(report.Clean, string.Join("; ", report.Findings.Select(f => f.Location)));
        Assert.Contains(dump, e => e.Group == 0x7FE0 && e.Element == 0x0010);
        Assert.DoesNotContain(dump, e => e.Group == 0x0088 && e.Element == 0x0200);
        Assert.DoesNotContain(dump, e => (e.Group & 0xFF00) == 0x6000);
        Assert.Equal("NO", dump.Single(e => e.Depth == 0 && e.Group == 0x0028 && e.Element == 0x0301).Value);
    }

    [Fact]
    public void Deidentify_StageAsksForReview_DoesNotClaimCleanPixels()
    {
        var input = TestData.Path("dicom", "debian_python3-pydicom", "test_files", "CT_small.dcm");
        var report = Run(input, new PixelStageResult(false, [], ["Text found that could not be removed"]), out var dump);

        Assert.Contains("Text found that could not be removed", report.NeedsReview);
        Assert.DoesNotContain(dump, e => e.Depth == 0 && e.Group == 0x0028 && e.Element == 0x0301 && e.Value == "NO");
        Assert.DoesNotContain(dump, e => e.Group == 0x0008 && e.Element == 0x0100 && e.Value == "113101");
    }

    [Fact]
    public void Deidentify_TextCleaningOffAndAnnotationYes_KeepsTheFlagAndAsksForReview()
    {
        var input = Path.Combine(work, "annotated.dcm");
        File.Copy(TestData.Path("dicom", "debian_python3-pydicom", "test_files", "CT_small.dcm"), input);
        using (var dcmodify = System.Diagnostics.Process.Start("dcmodify", ["-nb", "-i", "(0028,0301)=YES", input]))
        {
            dcmodify.WaitForExit();
            Assert.Equal(0, dcmodify.ExitCode);
        }

        // Only faces are searched (the stage runs, finds nothing): nothing says the burned-in text is gone.
        var report = Run(input, new PixelStageResult(false, [], []), out var dump, new DicomDeidOptions { CleanPixelData = false });

        Assert.Equal("YES", dump.Single(e => e.Depth == 0 && e.Group == 0x0028 && e.Element == 0x0301).Value);
        Assert.Contains(report.NeedsReview, n => n.StartsWith("Burned In Annotation is YES", StringComparison.Ordinal));
        Assert.DoesNotContain(dump, e => e.Group == 0x0008 && e.Element == 0x0100 && e.Value == "113101");
    }

    private DeidFileReport Run(string input, PixelStageResult result, out IReadOnlyList<DumpedElement> dump, DicomDeidOptions? options = null)
    {
        lock (Seen)
        {
            Seen.Clear();
            nextResult = result;
            DicomPixelStage stage = Stage;
            var output = Path.Combine(work, Guid.NewGuid().ToString("N") + ".dcm");
            var report = new DicomDeidentifier(key, options ?? new DicomDeidOptions(), stage).Deidentify(input, "x.dcm", output, CancellationToken.None);
            Assert.Equal(DeidStatus.Deidentified, report.Status);
            dump = Dcmdump.Read([output])[output];
            return report;
        }
    }

    private static PixelStageResult Stage(gdcm.Image image, DicomObjectInfo info, CancellationToken ct)
    {
        Assert.NotNull(image);
        Seen.Add(info);
        return nextResult;
    }

    public void Dispose()
    {
        key.Dispose();
        Directory.Delete(work, recursive: true);
    }
}
