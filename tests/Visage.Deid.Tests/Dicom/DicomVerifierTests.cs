using System.Diagnostics;
using System.Security.Cryptography;
using Visage.Deid.Batch;
using Visage.Deid.Dicom;
using Visage.Deid.Reports;

namespace Visage.Deid.Tests.Dicom;

public sealed class DicomVerifierTests : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("visage-dicom-verify-").FullName;
    private readonly BatchKey key = new(RandomNumberGenerator.GetBytes(BatchKey.KeyBytes));
    private readonly DicomDeidOptions options = new();
    private readonly string input = TestData.Path("dicom", "debian_python3-pydicom", "test_files", "CT_small.dcm");

    [Fact]
    public void Verify_PlantedOriginalName_IsAFinding()
    {
        var output = Deidentified();
        Assert.Empty(new DicomVerifier(options).Verify(input, output, CancellationToken.None).Findings);

        Modify(output, "(0008,1030)=CompressedSamples^CT1");
        var findings = new DicomVerifier(options).Verify(input, output, CancellationToken.None).Findings;

        Assert.Contains(findings, f => f.Location == "(0008,1030) StudyDescription" && f.Kind == FindingKind.OriginalValue);
        Assert.Contains(findings, f => f.Location.StartsWith("byte offset", StringComparison.Ordinal) && f.Kind == FindingKind.OriginalValue);
        Assert.DoesNotContain(findings, f => f.Detail.Contains("CompressedSamples", StringComparison.Ordinal) || f.Location.Contains("CompressedSamples", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_PlantedOriginalDate_IsAFinding()
    {
        var output = Deidentified();
        Modify(output, "(0008,0012)=20040119");
        var findings = new DicomVerifier(options).Verify(input, output, CancellationToken.None).Findings;
        Assert.Contains(findings, f => f.Location == "(0008,0012) InstanceCreationDate" && f.Kind == FindingKind.OriginalValue);
    }

    [Fact]
    public void Verify_PlantedPrivateAttribute_IsAFinding()
    {
        var output = Deidentified();
        Modify(output, "(0009,0010)=GEMS_IDEN_01", "(0009,1002)=hello");
        var findings = new DicomVerifier(options).Verify(input, output, CancellationToken.None).Findings;
        Assert.Contains(findings, f => f.Location == "(0009,1002) private" && f.Kind == FindingKind.Metadata);

        var kept = options with { KeptPrivateTags = [new DicomPrivateTag(0x0009, "GEMS_IDEN_01", 0x02)] };
        Assert.DoesNotContain(new DicomVerifier(kept).Verify(input, output, CancellationToken.None).Findings, f => f.Kind == FindingKind.Metadata);
    }

    [Fact]
    public void Verify_PhiShapedFreeText_NeedsReviewButIsNoFinding()
    {
        var output = Deidentified();
        Modify(output, "(0008,103E)=call 555-123-4567");
        var verification = new DicomVerifier(options).Verify(input, output, CancellationToken.None);
        Assert.Empty(verification.Findings);
        Assert.Contains(verification.NeedsReview, n => n.StartsWith("(0008,103E) SeriesDescription", StringComparison.Ordinal) && n.Contains("PhoneNumber", StringComparison.Ordinal));
    }

    [Fact]
    public void Deidentify_BasicProfileWithRetainOptions_KeepsWhatTheOptionsRetain()
    {
        var basic = new DicomDeidOptions
        {
            RetainLongitudinalModifiedDates = false,
            CleanDescriptors = false,
            RetainDeviceIdentity = true,
            RetainPatientCharacteristics = true,
        };
        var output = Path.Combine(work, "basic.dcm");
        var report = new DicomDeidentifier(key, basic).Deidentify(input, "CT_small.dcm", output, CancellationToken.None);
        Assert.True(report.Clean, string.Join("; ", report.Findings.Select(f => f.Location)));

        var dump = Dcmdump.Read([output])[output];
        string? Value(ushort group, ushort element) => dump.FirstOrDefault(e => e.Depth == 0 && e.Group == group && e.Element == element)?.Value;
        Assert.Equal("", Value(0x0008, 0x0020)); // Study Date: Z
        Assert.Equal("19000101", Value(0x0008, 0x0021)); // Series Date: X/D → dummy
        Assert.Equal("CT01_OC0", Value(0x0008, 0x1010)); // Station Name: Retain Device Identity
        Assert.Equal("000Y", Value(0x0010, 0x1010)); // Patient's Age: Retain Patient Characteristics
        Assert.Equal("REMOVED", Value(0x0008, 0x0080)); // Institution Name: X/Z/D → dummy
        Assert.Null(Value(0x0008, 0x1030)); // Study Description: X without Clean Descriptors
        Assert.Null(Value(0x0028, 0x0303));
        var codes = dump.Where(e => e.Depth == 2 && e.Group == 0x0008 && e.Element == 0x0100).Select(e => e.Value).ToList();
        Assert.Equal(["113100", "113108", "113109"], codes);
    }

    [Fact]
    public void Deidentify_SamePatientTwice_GetsTheSamePseudonymsAndUids()
    {
        var first = Path.Combine(work, "first.dcm");
        var second = Path.Combine(work, "second.dcm");
        var deidentifier = new DicomDeidentifier(key, options);
        Assert.True(deidentifier.Deidentify(input, "a", first, CancellationToken.None).Clean);
        Assert.True(deidentifier.Deidentify(input, "b", second, CancellationToken.None).Clean);
        using var otherKey = new BatchKey(RandomNumberGenerator.GetBytes(BatchKey.KeyBytes));
        var third = Path.Combine(work, "third.dcm");
        Assert.True(new DicomDeidentifier(otherKey, options).Deidentify(input, "c", third, CancellationToken.None).Clean);

        var dumps = Dcmdump.Read([first, second, third]);
        foreach (var (group, element) in new (ushort, ushort)[] { (0x0010, 0x0010), (0x0010, 0x0020), (0x0008, 0x0018), (0x0020, 0x000D), (0x0008, 0x0020) })
        {
            var a = dumps[first].First(e => e.Depth == 0 && e.Group == group && e.Element == element).Value;
            var b = dumps[second].First(e => e.Depth == 0 && e.Group == group && e.Element == element).Value;
            var c = dumps[third].First(e => e.Depth == 0 && e.Group == group && e.Element == element).Value;
            Assert.Equal(a, b);
            Assert.NotEqual(a, c);
        }

        Assert.Equal(
            dumps[first].First(e => e.Group == 0x0002 && e.Element == 0x0003).Value,
            dumps[first].First(e => e.Depth == 0 && e.Group == 0x0008 && e.Element == 0x0018).Value);
    }

    [Fact]
    public void Deidentify_KeptPrivateTag_SurvivesWithItsCreatorOnly()
    {
        var keep = options with { KeptPrivateTags = [new DicomPrivateTag(0x0009, "GEMS_IDEN_01", 0x02)] };
        var output = Path.Combine(work, "kept.dcm");
        var report = new DicomDeidentifier(key, keep).Deidentify(input, "CT_small.dcm", output, CancellationToken.None);

        Assert.True(report.Clean, string.Join("; ", report.Findings.Select(f => f.Location)));
        var privateTags = Dcmdump.Read([output])[output].Where(e => (e.Group & 1) == 1).Select(e => (e.Group, e.Element)).ToList();
        Assert.Equal([((ushort)0x0009, (ushort)0x0010), ((ushort)0x0009, (ushort)0x1002)], privateTags);
        Assert.Contains(report.Actions, a => a.Target == "(0009,1002) private" && a.Kind == DeidActionKind.Kept);
        Assert.Contains(report.Actions, a => a.Target == "(0009,1004) private" && a.Kind == DeidActionKind.Removed);
    }

    [Fact]
    public void Deidentify_Cancelled_LeavesNoOutput()
    {
        var output = Path.Combine(work, "cancelled.dcm");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new DicomDeidentifier(key, options).Deidentify(input, "x", output, cancelled.Token));
        Assert.False(File.Exists(output));
    }

    private string Deidentified()
    {
        var output = Path.Combine(work, Guid.NewGuid().ToString("N") + ".dcm");
        var report = new DicomDeidentifier(key, options).Deidentify(input, "CT_small.dcm", output, CancellationToken.None);
        Assert.Equal(DeidStatus.Deidentified, report.Status);
        return output;
    }

    // DCMTK's dcmodify, an independent writer, plants values in the output (one call each: a private creator must
    // exist before its block is used).
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
