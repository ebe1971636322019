namespace Visage.Deid.Reports;

/// <summary>Counts over every file the batch has a report for (this run and earlier, resumed runs).</summary>
internal sealed record DeidBatchTotals(
    int Files,
    int Deidentified,
    int Clean,
    int Failed,
    int NeedsReview,
    int Findings,
    int Actions,
    int Redactions)
{
    /// <summary>Deidentified, but the rescan found something or the deidentifier asked for a human to look.</summary>
    public static bool NeedsHumanReview(DeidFileReport report) =>
        report.Status == DeidStatus.Deidentified && (report.Findings.Count > 0 || report.NeedsReview.Count > 0);

    public static DeidBatchTotals Of(IReadOnlyCollection<DeidFileReport> files) => new(
        files.Count,
        files.Count(f => f.Status == DeidStatus.Deidentified),
        files.Count(f => f.Clean),
        files.Count(f => f.Status == DeidStatus.Failed),
        files.Count(NeedsHumanReview),
        files.Sum(f => f.Findings.Count),
        files.Sum(f => f.Actions.Count),
        files.Sum(f => f.Redactions.Count));

    /// <summary>True when the whole output can be released without anyone looking at a file first.</summary>
    public bool Complete => Failed == 0 && NeedsReview == 0 && Clean == Files;
}
