namespace Visage.Deid.Reports;

/// <summary>The batch's report.json: every file's report (inputs by relative path, outputs by pseudonym) and totals.</summary>
public sealed record DeidBatchReport(
    DateTimeOffset GeneratedUtc,
    DeidBatchTotals Totals,
    DeidRunStatistics LastRun,
    IReadOnlyList<DeidFileReport> Files);
