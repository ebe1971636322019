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
            : "**Status: incomplete** — see the failed files and the files needing review below; do not release those outputs unreviewed.");
        Line(md);
        Line(md, "## Totals");
        Line(md);
        Line(md, "| files | de-identified | clean | failed | needs review | findings | actions | redactions |");
        Line(md, "|---:|---:|---:|---:|---:|---:|---:|---:|");
        Line(md, Inv($"| {t.Files} | {t.Deidentified} | {t.Clean} | {t.Failed} | {t.NeedsReview} | {t.Findings} | {t.Actions} | {t.Redactions} |"));
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
        var review = report.Files.Where(DeidBatchTotals.NeedsHumanReview).ToList();
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
                var why = f.NeedsReview.Concat(f.Findings.Select(x => $"{x.Kind} at {x.Location}: {x.Detail}"));
                Line(md, Inv($"| {Cell(f.Input)} | {Cell(f.Output ?? string.Empty)} | {Cell(string.Join("; ", why))} |"));
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

    private static void Line(StringBuilder md, string text = "") => md.Append(text).Append('\n');

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // A path or reason must stay inside its table cell.
    private static string Cell(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("\r", " ", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal);
}
