using System.Text.Json;
using Visage.Deid.Reports;

namespace Visage.Deid.Tests.Reports;

public sealed class DeidReportJsonTests
{
    internal static DeidFileReport Sample(string input, DeidStatus status = DeidStatus.Deidentified) => new(
        input,
        status == DeidStatus.Deidentified ? "0123456789abcdef0123.dcm" : null,
        status,
        status == DeidStatus.Failed ? "Not a DICOM file." : null,
        [new DeidAction("(0010,0010) PatientName", DeidActionKind.Emptied, "PS3.15 basic profile"), new DeidAction("(0008,0020) StudyDate", DeidActionKind.DateShifted, "date shift")],
        [new PixelRedaction(RedactionSource.Text, 2, 10, 20, 30, 40)],
        [new VerificationFinding("(0008,0080) InstitutionName", FindingKind.OriginalValue, "original value still present")],
        ["burned-in annotation flag set"]);

    [Fact]
    public void Serialize_FileReport_CamelCaseEnumNamesAndRoundTrips()
    {
        var report = Sample("a/b.dcm");

        var json = DeidReportJson.Serialize(report);
        var back = DeidReportJson.Deserialize<DeidFileReport>(json);

        Assert.Contains("\"status\": \"Deidentified\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"DateShifted\"", json, StringComparison.Ordinal);
        Assert.Contains("\"source\": \"Text\"", json, StringComparison.Ordinal);
        Assert.Contains("\n  \"needsReview\"", json, StringComparison.Ordinal);
        Assert.Equal(report.Input, back.Input);
        Assert.Equal(report.Output, back.Output);
        Assert.Equal(report.Actions, back.Actions);
        Assert.Equal(report.Redactions, back.Redactions);
        Assert.Equal(report.Findings, back.Findings);
        Assert.Equal(report.NeedsReview, back.NeedsReview);
    }

    [Fact]
    public void Serialize_BatchReport_ParsesBackWithTotals()
    {
        var files = new[] { Sample("a.dcm"), Sample("b.dcm", DeidStatus.Failed) };
        var report = new DeidBatchReport(
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            DeidBatchTotals.Of(files),
            new DeidRunStatistics(2, 0, 1, 2_000_000, TimeSpan.FromSeconds(2), false),
            files);

        var back = DeidReportJson.Deserialize<DeidBatchReport>(DeidReportJson.Serialize(report));

        Assert.Equal(report.Totals, back.Totals);
        Assert.Equal(report.LastRun, back.LastRun);
        Assert.Equal(2, back.Files.Count);
        Assert.Equal(1.0, back.LastRun.MegabytesPerSecond, 6);
        using var document = JsonDocument.Parse(DeidReportJson.Serialize(report));
        Assert.Equal(1, document.RootElement.GetProperty("totals").GetProperty("failed").GetInt32());
        Assert.False(document.RootElement.GetProperty("totals").GetProperty("complete").GetBoolean());
    }

    [Fact]
    public void Totals_CountStatusesReviewAndWork()
    {
        var clean = Sample("c.dcm") with { Findings = [], NeedsReview = [] };
        var flagged = Sample("f.dcm") with { Findings = [] };

        var totals = DeidBatchTotals.Of([clean, flagged, Sample("r.dcm"), Sample("x.dcm", DeidStatus.Failed)]);

        Assert.Equal(new DeidBatchTotals(4, 3, 2, 1, 2, 2, 8, 4, 0), totals);
        Assert.False(totals.Complete);
        Assert.True(DeidBatchTotals.Of([clean]).Complete);
    }

    [Fact]
    public void Totals_QuarantinedThenReleasedByAPerson_CountsAsCheckedNotAsNeedingReview()
    {
        var quarantined = Sample("q.dcm") with { Output = null, Quarantined = "0123456789abcdef0123.dcm" };
        var released = quarantined with { Output = "0123456789abcdef0123.dcm", Quarantined = null, Released = new DeidRelease("dr-qa", DateTimeOffset.UnixEpoch) };

        var before = DeidBatchTotals.Of([quarantined]);
        var after = DeidBatchTotals.Of([released]);

        Assert.Equal((1, 0, 1, false), (before.Quarantined, before.Clean, before.NeedsReview, before.Complete));
        Assert.Equal((0, 0, 1, 1, true), (after.Quarantined, after.NeedsReview, after.Clean, after.Findings, after.Complete));
        var back = DeidReportJson.Deserialize<DeidFileReport>(DeidReportJson.Serialize(quarantined));
        Assert.Equal(quarantined.Quarantined, back.Quarantined);
        Assert.Equal(released.Released, DeidReportJson.Deserialize<DeidFileReport>(DeidReportJson.Serialize(released)).Released);
    }
}
