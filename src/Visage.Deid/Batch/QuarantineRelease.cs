using System.Text.RegularExpressions;
using Visage.Deid.Reports;
using Visage.Storage;

namespace Visage.Deid.Batch;

/// <summary>
/// <c>visage deid release</c>: a person who has checked a quarantined output (what the rescan found is not identifying,
/// e.g. a kept private tag that only looks like a name) moves it into the release folder. The file's report keeps its
/// findings and records who released it and when; report.json and summary.md are rewritten to match. Runs under the
/// batch lock, so never beside a running batch.
/// </summary>
internal static partial class QuarantineRelease
{
    /// <summary>
    /// Refuses a name that is not one of our pseudonymous output names (so nothing typed reaches the audit log) or that
    /// is not held in this batch's quarantine.
    /// </summary>
    public static void Check(DeidFolders folders, string name)
    {
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentNullException.ThrowIfNull(name);
        if (!OutputName().IsMatch(name) || !File.Exists(Path.Combine(folders.Quarantine, name)))
        {
            throw new DeidFolderException("No quarantined output of that name in this output folder's .deid/quarantine.");
        }
    }

    /// <summary>Releases <paramref name="name"/> (a quarantined output's file name) and returns its updated report.</summary>
    /// <param name="reviewer">An operator id (letters, digits, <c>. _ @ -</c>), never free text that could hold PHI.</param>
    public static DeidFileReport Release(DeidFolders folders, string name, string reviewer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(reviewer);
        if (!OperatorId.IsValid(reviewer))
        {
            throw new DeidFolderException($"--reviewer takes {OperatorId.Rule}.");
        }

        using var running = DeidBatch.Lock(folders);

        // Only a file name of our own making: nothing that could point outside the quarantine folder.
        var match = OutputName().Match(name);
        var held = Path.Combine(folders.Quarantine, name);
        var reportPath = match.Success ? Path.Combine(folders.FileReports, match.Groups["pseudonym"].Value + ".json") : null;
        if (reportPath is null || !File.Exists(held) || !File.Exists(reportPath))
        {
            throw new DeidFolderException("No quarantined output of that name in this output folder's .deid/quarantine.");
        }

        var report = DeidReportJson.Read<DeidFileReport>(reportPath);
        if (!string.Equals(report.Quarantined, name, StringComparison.Ordinal))
        {
            throw new DeidFolderException("That file's report does not hold it in quarantine; rerun the batch instead.");
        }

        var released = report with { Output = name, Quarantined = null, Released = new DeidRelease(reviewer, now) };
        AtomicMove.Replace(held, Path.Combine(folders.Output, name));
        DeidReportJson.Write(reportPath, released);
        if (File.Exists(folders.ReportJson))
        {
            var batch = DeidReportJson.Read<DeidBatchReport>(folders.ReportJson);
            var files = batch.Files.Select(f => string.Equals(f.Quarantined, name, StringComparison.Ordinal) && string.Equals(f.Input, report.Input, StringComparison.Ordinal) ? released : f).ToList();
            var updated = batch with { GeneratedUtc = now, Totals = DeidBatchTotals.Of(files), Files = files };
            DeidReportJson.Write(folders.ReportJson, updated);
            AtomicFile.WriteAllText(folders.SummaryMarkdown, DeidSummaryMarkdown.Render(updated));
        }

        return released;
    }

    [GeneratedRegex(@"^(?<pseudonym>[0-9a-f]{20})(\.[A-Za-z0-9]{1,10})?$", RegexOptions.CultureInvariant)]
    private static partial Regex OutputName();
}
