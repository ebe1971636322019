using System.Globalization;
using System.Text;

namespace Visage.Deid.Reports;

/// <summary>
/// summary.md: what a reviewer reads first — totals, failed files and why, files a human must check, and what was
/// done (actions by kind and target, redactions by source). Lists input paths, so it lives in the secure zone only.
/// </summary>
internal static class DeidSummaryMarkdown
{
    public static string Render(DeidBatchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = report.Totals;
        var run = report.LastRun;
        var md = new StringBuilder();
        Line(md, "# De-identification summary");
        Line(md);
        Line(md, Inv($"Generated {report.GeneratedUtc:yyyy-MM-dd HH:mm:ss} UTC. This folder maps outputs back to input paths: keep it with the batch key, never release it with the output."));
        Line(md);
        Line(md, t.Complete
            ? "**Status: complete** — every file was de-identified and the rescan found nothing."
            : "**Status: incomplete** — see the failed, quarantined and flagged files below; do not release flagged outputs unreviewed.");
        Line(md);
        Line(md, "## Totals");
        Line(md);
        Line(md, "| files | de-identified | clean | failed | needs review | quarantined | findings | actions | redactions |");
        Line(md, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Line(md, Inv($"| {t.Files} | {t.Deidentified} | {t.Clean} | {t.Failed} | {t.NeedsReview} | {t.Quarantined} | {t.Findings} | {t.Actions} | {t.Redactions} |"));
        Line(md);
        Line(md, Inv($"Last run: {run.Processed} processed, {run.Skipped} skipped (already done), {run.Ignored} ignored (hidden files, links), {run.Elapsed.TotalSeconds:F1} s, {run.FilesPerSecond:F1} files/s, {run.MegabytesPerSecond:F2} MB/s{(run.Cancelled ? ", **cancelled** (rerun to resume)" : string.Empty)}."));
        Line(md);

        var failed = report.Files.Where(f => f.Status == DeidStatus.Failed).ToList();
        Line(md, Inv($"## Failed files ({failed.Count})"));
        Line(md);
        if (failed.Count == 0)
        {
            Line(md, "None.");
        }
        else
        {
            Line(md, "| input | reason |");
            Line(md, "|---|---|");
            foreach (var f in failed)
            {
                Line(md, Inv($"| {Cell(f.Input)} | {Cell(f.Error ?? "unknown")} |"));
            }
        }

        Line(md);
        var quarantined = report.Files.Where(f => f.Quarantined is not null && f.Released is null).ToList();
        Line(md, Inv($"## Quarantined files ({quarantined.Count})"));
        Line(md);
        if (quarantined.Count == 0)
        {
            Line(md, "None.");
        }
        else
        {
            Line(md, "The rescan still found identifying data in these outputs, so they are in `quarantine/` in this folder, not in the release folder. Check each one: fix the cause and rerun (delete the quarantined file first), or, when what was found is not identifying, release it with `visage deid release OUT NAME --reviewer ID`.");
            Line(md);
            Line(md, "| input | quarantined as | why |");
            Line(md, "|---|---|---|");
            foreach (var f in quarantined)
            {
                Line(md, Inv($"| {Cell(f.Input)} | {Cell(f.Quarantined!)} | {Cell(Why(f))} |"));
            }
        }

        Line(md);
        var review = report.Files.Where(f => DeidBatchTotals.NeedsHumanReview(f) && f.Quarantined is null).ToList();
        Line(md, Inv($"## Files needing human QA ({review.Count})"));
        Line(md);
        if (review.Count == 0)
        {
            Line(md, "None.");
        }
        else
        {
            Line(md, "| input | output | why |");
            Line(md, "|---|---|---|");
            foreach (var f in review)
            {
                Line(md, Inv($"| {Cell(f.Input)} | {Cell(f.Output ?? string.Empty)} | {Cell(Why(f))} |"));
            }
        }

        var released = report.Files.Where(f => f.Released is not null).ToList();
        if (released.Count > 0)
        {
            Line(md);
            Line(md, Inv($"## Released after review ({released.Count})"));
            Line(md);
            Line(md, "| input | output | reviewer | released (UTC) | what the rescan had found |");
            Line(md, "|---|---|---|---|---|");
            foreach (var f in released)
            {
                Line(md, Inv($"| {Cell(f.Input)} | {Cell(f.Output ?? string.Empty)} | {Cell(f.Released!.Reviewer)} | {f.Released.ReleasedUtc:yyyy-MM-dd HH:mm:ss} | {Cell(Why(f))} |"));
            }
        }

        Line(md);
        Line(md, "## Actions by kind and target");
        Line(md);
        var actions = report.Files
            .SelectMany(f => f.Actions)
            .GroupBy(a => (a.Kind, a.Target))
            .OrderBy(g => g.Key.Kind)
            .ThenBy(g => g.Key.Target, StringComparer.Ordinal)
            .ToList();
        if (actions.Count == 0)
        {
            Line(md, "None.");
        }
        else
        {
            Line(md, "| kind | target | count |");
            Line(md, "|---|---|---:|");
            foreach (var g in actions)
            {
                Line(md, Inv($"| {g.Key.Kind} | {Cell(g.Key.Target)} | {g.Count()} |"));
            }
        }

        Line(md);
        Line(md, "## Pixel redactions by source");
        Line(md);
        var redactions = report.Files
            .SelectMany(f => f.Redactions.Select(r => (File: f.Input, r.Source)))
            .GroupBy(r => r.Source)
            .OrderBy(g => g.Key)
            .ToList();
        if (redactions.Count == 0)
        {
            Line(md, "None.");
        }
        else
        {
            Line(md, "| source | regions | files |");
            Line(md, "|---|---:|---:|");
            foreach (var g in redactions)
            {
                Line(md, Inv($"| {g.Key} | {g.Count()} | {g.Select(r => r.File).Distinct(StringComparer.Ordinal).Count()} |"));
            }
        }

        return md.ToString();
    }

    private static string Why(DeidFileReport f) =>
        string.Join("; ", f.NeedsReview.Concat(f.Findings.Select(x => $"{x.Kind} at {x.Location}: {x.Detail}")));

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // A path or reason must stay inside its table cell.
    private static string Cell(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("\r", " ", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal);
}
