using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Visage.Deid.Reports;

namespace Visage.Deid.Batch;

/// <summary>
/// Runs one de-identifier over every file of an input folder, in parallel, into a flat output folder of
/// pseudonymous names (original names and paths can carry PHI). An output appears only complete and only when its
/// file was de-identified; a failing or throwing file becomes a Failed report and the batch goes on. Per-file
/// reports in the secure zone double as resume markers, so a killed or cancelled batch continues where it stopped.
/// A file in progress has a started marker beside them: one left by a run that died (a file that makes a native
/// library abort the process, or a kill) fails that file with the reason instead of retrying it forever.
/// </summary>
internal sealed partial class DeidBatch
{
    public const string PseudonymPurpose = "file";
    private const string PartialMarker = ".partial";
    private const string StartedMarker = ".started";
    private readonly DeidFolders folders;
    private readonly IFileDeidentifier deidentifier;
    private readonly BatchKey key;
    private readonly int workers;
    private readonly bool retryFailed;

    /// <param name="retryFailed">Also redo inputs an earlier run reported as failed (e.g. after fixing their cause).</param>
    public DeidBatch(DeidFolders folders, IFileDeidentifier deidentifier, BatchKey key, int workers, bool retryFailed = false)
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
    }

    /// <summary>
    /// De-identifies every input not already done, then writes report.json and summary.md (also when cancelled,
    /// after which it throws <see cref="OperationCanceledException"/>; a rerun resumes).
    /// </summary>
    public async Task<DeidBatchReport> RunAsync(IProgress<DeidProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(folders.Output);
        CreatePrivateDirectory(folders.SecureZone);
        CreatePrivateDirectory(folders.FileReports);
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
                (item, token) =>
                {
                    var report = Process(item.Input, item.Pseudonym, token);
                    reports[item.Pseudonym] = report;
                    Interlocked.Add(ref bytes, item.Input.Bytes);
                    tracker.Finished(report.Status == DeidStatus.Failed);
                    return ValueTask.CompletedTask;
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

    private DeidFileReport Process(InputFile input, string pseudonym, CancellationToken cancellationToken)
    {
        string? temp = null;
        string? final = null;
        DeidFileReport report;
        try
        {
            var extension = deidentifier.OutputExtension(input.FullPath);
            if (!SafeExtension().IsMatch(extension))
            {
                throw new InvalidOperationException("The de-identifier gave an output extension that is not a plain '.ext'.");
            }

            final = Path.Combine(folders.Output, pseudonym + extension);
            temp = Path.Combine(folders.Output, "." + pseudonym + PartialMarker + extension);
            File.WriteAllBytes(StartedMarkerPath(pseudonym), []);
            report = deidentifier.Deidentify(input.FullPath, input.RelativePath, temp, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Delete(temp);
            Delete(StartedMarkerPath(pseudonym));
            throw;
        }
#pragma warning disable CA1031 // Any de-identifier exception fails this file only; the type name carries no PHI.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            report = DeidFileReport.Failed(input.RelativePath, $"The de-identifier threw {ex.GetType().Name}.");
        }

        if (report.Status == DeidStatus.Deidentified && temp is not null && final is not null && File.Exists(temp))
        {
            File.Move(temp, final, overwrite: true);
            report = report with { Input = input.RelativePath, Output = Path.GetFileName(final) };
        }
        else
        {
            Delete(temp);
            Delete(final);

            // A de-identifier that gave up because of cancellation has not failed the file: leave it for the rerun.
            if (cancellationToken.IsCancellationRequested)
            {
                Delete(StartedMarkerPath(pseudonym));
                cancellationToken.ThrowIfCancellationRequested();
            }

            report = report.Status == DeidStatus.Deidentified
                ? DeidFileReport.Failed(input.RelativePath, "The de-identifier reported success but wrote no output.")
                : report with { Input = input.RelativePath, Output = null };
        }

        return Finish(pseudonym, report);
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

        return report.Status == DeidStatus.Deidentified
            ? report.Output is { } output && File.Exists(Path.Combine(folders.Output, output)) ? report : null
            : retryFailed ? null : report;
    }

    private string FileReportPath(string pseudonym) => Path.Combine(folders.FileReports, pseudonym + ".json");

    private string StartedMarkerPath(string pseudonym) => Path.Combine(folders.FileReports, pseudonym + StartedMarker);

    // Left by a run that was killed mid-file; never renamed into place, so never a finished output.
    private void RemoveStalePartials()
    {
        foreach (var folder in new[] { folders.Output, folders.FileReports, folders.SecureZone })
        {
            foreach (var path in Directory.EnumerateFiles(folder, ".*" + PartialMarker + "*"))
            {
                File.Delete(path);
            }
        }
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // Also tightens a folder made earlier (e.g. by the key file) with the default umask.
            const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            Directory.CreateDirectory(path, OwnerOnly);
            File.SetUnixFileMode(path, OwnerOnly);
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
