using Visage.Deid.Reports;

namespace Visage.Deid.Tests.Reports;

public sealed class DeidSummaryMarkdownTests
{
    [Fact]
    public void Render_MixedBatch_ListsTotalsFailuresReviewAndCounts()
    {
        var files = new[]
        {
            DeidReportJsonTests.Sample("ok.dcm") with { Findings = [], NeedsReview = [] },
            DeidReportJsonTests.Sample("review|me.dcm") with { Findings = [] },
            DeidReportJsonTests.Sample("held.dcm") with { Output = null, Quarantined = "0123456789abcdef0123.dcm" },
            DeidFileReport.Failed("broken.dcm", "Not a DICOM file."),
        };
        var report = new DeidBatchReport(
            DateTimeOffset.UnixEpoch,
            DeidBatchTotals.Of(files),
            new DeidRunStatistics(4, 0, 0, 3_000_000, TimeSpan.FromSeconds(1.5), Cancelled: false),
            files);

        var md = DeidSummaryMarkdown.Render(report);

        Assert.Contains("**Status: incomplete**", md, StringComparison.Ordinal);
        Assert.Contains("| 4 | 3 | 2 | 1 | 2 | 1 | 1 | 6 | 3 |", md, StringComparison.Ordinal);
        Assert.Contains("## Failed files (1)", md, StringComparison.Ordinal);
        Assert.Contains("| broken.dcm | Not a DICOM file. |", md, StringComparison.Ordinal);
        Assert.Contains("## Quarantined files (1)", md, StringComparison.Ordinal);
        Assert.Contains("| held.dcm | 0123456789abcdef0123.dcm | burned-in annotation flag set; OriginalValue at (0008,0080) InstitutionName: original value still present |", md, StringComparison.Ordinal);
        Assert.Contains("## Files needing human QA (1)", md, StringComparison.Ordinal);
        Assert.Contains("| review\\|me.dcm | 0123456789abcdef0123.dcm | burned-in annotation flag set |", md, StringComparison.Ordinal);
        Assert.Contains("| Emptied | (0010,0010) PatientName | 3 |", md, StringComparison.Ordinal);
        Assert.Contains("| DateShifted | (0008,0020) StudyDate | 3 |", md, StringComparison.Ordinal);
        Assert.Contains("| Text | 3 | 3 |", md, StringComparison.Ordinal);
        Assert.Contains("4 processed, 0 skipped", md, StringComparison.Ordinal);
        Assert.Contains("2.7 files/s, 2.00 MB/s", md, StringComparison.Ordinal);
        Assert.DoesNotContain("Released after review", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AllClean_SaysCompleteAndNone()
    {
        var files = new[] { DeidReportJsonTests.Sample("ok.dcm") with { Findings = [], NeedsReview = [], Redactions = [] } };
        var report = new DeidBatchReport(DateTimeOffset.UnixEpoch, DeidBatchTotals.Of(files), new DeidRunStatistics(1, 0, 0, 10, TimeSpan.FromSeconds(1), false), files);

        var md = DeidSummaryMarkdown.Render(report);

        Assert.Contains("**Status: complete**", md, StringComparison.Ordinal);
        Assert.Contains("## Failed files (0)\n\nNone.", md, StringComparison.Ordinal);
        Assert.Contains("## Pixel redactions by source\n\nNone.", md, StringComparison.Ordinal);
    }
}
