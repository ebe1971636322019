namespace Visage.Deid.Reports;

/// <summary>
/// Counts over every file the batch has a report for (this run and earlier, resumed runs). <see cref="Clean"/> counts
/// outputs whose rescan found nothing, or whose findings a person checked before releasing them.
/// </summary>
public sealed record DeidBatchTotals(
    int Files,
    int Deidentified,
    int Clean,
    int Failed,
    int NeedsReview,
    int Findings,
    int Actions,
    int Redactions,
    int Quarantined)
{
    /// <summary>
    /// Deidentified, but the rescan found something or the deidentifier asked for a human to look, and no person has
    /// released it after checking.
    /// </summary>
    public static bool NeedsHumanReview(DeidFileReport report) =>
        report.Status == DeidStatus.Deidentified && report.Released is null && (report.Findings.Count > 0 || report.NeedsReview.Count > 0);

    /// <summary>Clean, or released by a person who checked what the rescan found.</summary>
    private static bool Releasable(DeidFileReport report) => report.Clean || (report.Status == DeidStatus.Deidentified && report.Released is not null);

    public static DeidBatchTotals Of(IReadOnlyCollection<DeidFileReport> files) => new(
        files.Count,
        files.Count(f => f.Status == DeidStatus.Deidentified),
        files.Count(Releasable),
        files.Count(f => f.Status == DeidStatus.Failed),
        files.Count(NeedsHumanReview),
        files.Sum(f => f.Findings.Count),
        files.Sum(f => f.Actions.Count),
        files.Sum(f => f.Redactions.Count),
        files.Count(f => f.Quarantined is not null));

    /// <summary>True when the whole output can be released without anyone looking at a file first.</summary>
    public bool Complete => Failed == 0 && NeedsReview == 0 && Clean == Files;
}
