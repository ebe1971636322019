using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Visage.Deid.Reports;
using Visage.Protection;

namespace Visage.Deid.Batch;

/// <summary>
/// Runs one de-identifier over every file of an input folder, in parallel, into a flat output folder of
/// pseudonymous names (original names and paths can carry PHI). Every output is written and verified in the private
/// work folder and moved into the release folder in one rename only when it is complete and its rescan found
/// nothing; an output with findings goes to the quarantine folder instead, and a failing or throwing file becomes a
/// Failed report — the batch goes on. Per-file reports in the secure zone double as resume markers, so a killed or
/// cancelled batch continues where it stopped. A file in progress has a started marker beside them: one left by a
/// run that died (a file that makes a native library abort the process, or a kill) fails that file with the reason
/// instead of retrying it forever.
/// </summary>
internal sealed partial class DeidBatch
{
    public const string PseudonymPurpose = "file";
    private const string AuditedSuccess = "success";
    private const string AuditedQuarantine = "quarantined";
    private const string AuditedFailure = "failure";
    private const string UnreadableInput = "unreadable";
    private const string PartialMarker = ".partial";
    private const string StartedMarker = ".started";
    private readonly DeidFolders folders;
    private readonly IFileDeidentifier deidentifier;
    private readonly BatchKey key;
    private readonly int workers;
    private readonly bool retryFailed;
    private readonly IDeidJournal? journal;

    /// <param name="retryFailed">Also redo inputs an earlier run reported as failed (e.g. after fixing their cause).</param>
    /// <param name="journal">Told of each file before its output is released (the audit log); its failure stops the batch.</param>
    public DeidBatch(DeidFolders folders, IFileDeidentifier deidentifier, BatchKey key, int workers, bool retryFailed = false, IDeidJournal? journal = null)
    {
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentNullException.ThrowIfNull(deidentifier);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        // Checked again: a DeidFolders built directly (not through Resolve) must not overlap either.
        this.folders = DeidFolders.Resolve(folders.Input, folders.Output);
        this.deidentifier = deidentifier;
        this.key = key;
        this.workers = workers;
        this.retryFailed = retryFailed;
        this.journal = journal;
    }

    /// <summary>
    /// De-identifies every input not already done, then writes report.json and summary.md (also when cancelled,
    /// after which it throws <see cref="OperationCanceledException"/>; a rerun resumes).
    /// </summary>
    public async Task<DeidBatchReport> RunAsync(IProgress<DeidProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (!Directory.Exists(folders.Output))
        {
            OwnerOnlyFiles.CreateDirectory(folders.Output);
        }

        OwnerOnlyFiles.CreateDirectory(folders.SecureZone);
        using var running = Lock(folders);
        OwnerOnlyFiles.CreateDirectory(folders.FileReports);
        OwnerOnlyFiles.CreateDirectory(folders.Work);
        OwnerOnlyFiles.CreateDirectory(folders.Quarantine);
        RemoveStalePartials();

        var scan = InputFolderScan.Of(folders.Input);
        var reports = new ConcurrentDictionary<string, DeidFileReport>(StringComparer.Ordinal);
        var pending = new List<(InputFile Input, string Pseudonym)>();
        foreach (var input in scan.Files)
        {
            var pseudonym = key.Pseudonym(PseudonymPurpose, input.RelativePath);
            if (TryLoadFinished(pseudonym) is { } done)
            {
                reports[pseudonym] = done;
            }
            else if (!retryFailed && File.Exists(StartedMarkerPath(pseudonym)))
            {
                // Its started marker stays whatever the journal does: this file must not be retried automatically.
                await RecordAsync(await TryHashAsync(input), AuditedFailure, null, null, null);
                reports[pseudonym] = Finish(pseudonym, DeidFileReport.Failed(
                    input.RelativePath,
                    "A previous run stopped while de-identifying this file (the process crashed or was killed); not retried automatically. Check the file, then rerun with --retry-failed."));
            }
            else
            {
                pending.Add((input, pseudonym));
            }
        }

        var tracker = new ProgressTracker(progress, scan.Files.Count, reports.Count, reports.Values.Count(r => r.Status == DeidStatus.Failed));
        tracker.Start();
        long bytes = 0;
        var cancelled = false;
        try
        {
            await Parallel.ForEachAsync(
                pending,
                new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken },
                async (item, token) =>
                {
                    var report = await ProcessAsync(item.Input, item.Pseudonym, token);
                    reports[item.Pseudonym] = report;
                    Interlocked.Add(ref bytes, item.Input.Bytes);
                    tracker.Finished(report.Status == DeidStatus.Failed);
                });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        var ordered = scan.Files
            .Select(f => reports.GetValueOrDefault(key.Pseudonym(PseudonymPurpose, f.RelativePath)))
            .OfType<DeidFileReport>()
            .ToList();
        var run = new DeidRunStatistics(tracker.Processed, tracker.Skipped, scan.Ignored, Interlocked.Read(ref bytes), clock.Elapsed, cancelled);
        var batchReport = new DeidBatchReport(DateTimeOffset.UtcNow, DeidBatchTotals.Of(ordered), run, ordered);
        DeidReportJson.Write(folders.ReportJson, batchReport);
        AtomicFile.WriteAllText(folders.SummaryMarkdown, DeidSummaryMarkdown.Render(batchReport));
        cancellationToken.ThrowIfCancellationRequested();
        return batchReport;
    }

    private async Task<DeidFileReport> ProcessAsync(InputFile input, string pseudonym, CancellationToken cancellationToken)
    {
        string? partial = null;
        string? name = null;
        string? hash = null;
        DeidFileReport report;
        try
        {
            // Hashed before it is de-identified, so the record names the bytes that were processed.
            hash = journal is null ? null : await HashAsync(input);
            var extension = deidentifier.OutputExtension(input.FullPath);
            if (!SafeExtension().IsMatch(extension))
            {
                throw new InvalidOperationException("The de-identifier gave an output extension that is not a plain '.ext'.");
            }

            name = pseudonym + extension;
            partial = Path.Combine(folders.Work, pseudonym + PartialMarker + extension);
            OwnerOnlyFiles.CreateEmpty(StartedMarkerPath(pseudonym));

            // Created 0600 here: a writer that truncates it (GDCM, OpenCV) keeps the mode.
            OwnerOnlyFiles.CreateEmpty(partial);
            report = deidentifier.Deidentify(input.FullPath, input.RelativePath, partial, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Delete(partial);
            Delete(StartedMarkerPath(pseudonym));
            throw;
        }
#pragma warning disable CA1031 // Any de-identifier exception fails this file only; the type name carries no PHI.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            report = DeidFileReport.Failed(input.RelativePath, $"The de-identifier threw {ex.GetType().Name}.");
        }

        var released = name is null ? null : Path.Combine(folders.Output, name);
        var quarantined = name is null ? null : Path.Combine(folders.Quarantine, name);
        if (report.Status == DeidStatus.Deidentified && partial is not null && File.Exists(partial) && new FileInfo(partial).Length > 0)
        {
            OwnerOnlyFiles.Restrict(partial);
            await RecordAsync(hash, report.Findings.Count == 0 ? AuditedSuccess : AuditedQuarantine, name, partial, pseudonym);
            if (report.Findings.Count == 0)
            {
                Delete(quarantined);
                AtomicMove.Replace(partial, released!);
                report = report with { Input = input.RelativePath, Output = name, Quarantined = null, Released = null };
            }
            else
            {
                // The rescan still found identifying data: a person decides, the release folder never sees it.
                Delete(released);
                AtomicMove.Replace(partial, quarantined!);
                report = report with { Input = input.RelativePath, Output = null, Quarantined = name, Released = null };
            }
        }
        else
        {
            Delete(partial);
            Delete(released);
            Delete(quarantined);

            // A de-identifier that gave up because of cancellation has not failed the file: leave it for the rerun.
            if (cancellationToken.IsCancellationRequested)
            {
                Delete(StartedMarkerPath(pseudonym));
                cancellationToken.ThrowIfCancellationRequested();
            }

            report = report.Status == DeidStatus.Deidentified
                ? DeidFileReport.Failed(input.RelativePath, "The de-identifier reported success but wrote no output.")
                : report with { Input = input.RelativePath, Output = null, Quarantined = null };
            await RecordAsync(hash, AuditedFailure, null, null, pseudonym);
        }

        return Finish(pseudonym, report);
    }

    /// <summary>
    /// Tells the journal before anything is released or reported; if it cannot take the record the file is left undone
    /// (no partial, no started marker) and the batch stops. Not cancellable: a record half-sent is worse than one late.
    /// </summary>
    /// <param name="hash">The input's SHA-256, or null when it could not be read (recorded as <c>unreadable</c>).</param>
    /// <param name="pseudonym">The file whose started marker goes when the journal fails (so a rerun redoes it); null keeps it.</param>
    private async Task RecordAsync(string? hash, string outcome, string? outputName, string? partial, string? pseudonym)
    {
        if (journal is null)
        {
            return;
        }

        try
        {
            await journal.FileFinishedAsync(new DeidFileRecord(hash ?? UnreadableInput, outputName, outcome), CancellationToken.None);
        }
        catch
        {
            Delete(partial);
            if (pseudonym is not null)
            {
                Delete(StartedMarkerPath(pseudonym));
            }

            throw;
        }
    }

    private static async Task<string> HashAsync(InputFile input)
    {
        await using var stream = new FileStream(input.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, CancellationToken.None));
    }

    private static async Task<string?> TryHashAsync(InputFile input)
    {
        try
        {
            return await HashAsync(input);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the per-file report (its presence means this input is finished), then drops the started marker.</summary>
    private DeidFileReport Finish(string pseudonym, DeidFileReport report)
    {
        DeidReportJson.Write(FileReportPath(pseudonym), report);
        Delete(StartedMarkerPath(pseudonym));
        return report;
    }

    private DeidFileReport? TryLoadFinished(string pseudonym)
    {
        var path = FileReportPath(pseudonym);
        if (!File.Exists(path))
        {
            return null;
        }

        DeidFileReport report;
        try
        {
            report = DeidReportJson.Read<DeidFileReport>(path);
        }
        catch (JsonException)
        {
            return null;
        }

        if (report.Status != DeidStatus.Deidentified)
        {
            return retryFailed ? null : report;
        }

        // Finished only while its output is where the report says (a deleted output is redone).
        var present = (report.Output is { } output && File.Exists(Path.Combine(folders.Output, output)))
            || (report.Quarantined is { } quarantined && File.Exists(Path.Combine(folders.Quarantine, quarantined)));
        return present ? report : null;
    }

    private string FileReportPath(string pseudonym) => Path.Combine(folders.FileReports, pseudonym + ".json");

    private string StartedMarkerPath(string pseudonym) => Path.Combine(folders.FileReports, pseudonym + StartedMarker);

    /// <summary>
    /// Held for the whole run (and by a release); a second batch on the same output is refused instead of sharing the
    /// work folder.
    /// </summary>
    internal static FileStream Lock(DeidFolders folders)
    {
        try
        {
            return OwnerOnlyFiles.OpenForWriting(folders.LockFile, FileMode.OpenOrCreate, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new DeidFolderException("Another de-identification batch is running on this output folder; wait for it to finish.", ex);
        }
    }

    // Left by a run that was killed mid-file; never moved into place, so never a finished output. Hidden partials in
    // the release folder come from versions that wrote them there.
    private void RemoveStalePartials()
    {
        foreach (var path in Directory.EnumerateFiles(folders.Work))
        {
            File.Delete(path);
        }

        foreach (var folder in new[] { folders.Output, folders.FileReports, folders.SecureZone })
        {
            foreach (var path in Directory.EnumerateFiles(folder, ".*" + PartialMarker + "*"))
            {
                File.Delete(path);
            }
        }
    }

    private static void Delete(string? path)
    {
        if (path is not null)
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex(@"^(\.[A-Za-z0-9]{1,10})?$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeExtension();

    /// <summary>Counts finished files from all workers and reports them in order.</summary>
    private sealed class ProgressTracker(IProgress<DeidProgress>? progress, int total, int skipped, int skippedFailed)
    {
        private readonly Lock gate = new();
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private int processed;
        private int failed = skippedFailed;

        public int Processed
        {
            get
            {
                lock (gate)
                {
                    return processed;
                }
            }
        }

        public int Skipped => skipped;

        public void Finished(bool failedFile)
        {
            lock (gate)
            {
                processed++;
                failed += failedFile ? 1 : 0;
                Report();
            }
        }

        public void Start()
        {
            lock (gate)
            {
                Report();
            }
        }

        private void Report()
        {
            var seconds = clock.Elapsed.TotalSeconds;
            progress?.Report(new DeidProgress(processed + skipped, total, failed, skipped, seconds > 0 ? processed / seconds : 0));
        }
    }
}
