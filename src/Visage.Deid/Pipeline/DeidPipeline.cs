using System.Globalization;
using Visage.Audit;
using Visage.Deid.Batch;
using Visage.Deid.Reports;
using Visage.Face;
using Visage.Gallery;

namespace Visage.Deid;

/// <summary>
/// De-identification as a host uses it: run a batch (DICOM in isolated worker processes, photos in process), serve a
/// worker, read a batch's report, release a checked file from quarantine. Batches and releases are audited: a
/// <c>started</c> record before anything is read, one record per file before its output is released (input SHA-256,
/// pseudonymous output name, outcome), and the totals at the end. The host parses and prints; this does the rest.
/// </summary>
public sealed class DeidPipeline(FaceEngine faces, DeidWorkerCommand worker, AuditLog log)
{
    /// <summary>
    /// Runs (or resumes) the batch for <paramref name="actor"/>. Cancelled: finished files are kept, report.json and
    /// summary.md are written, the batch is recorded as a failure, then <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="DeidFolderException">The folders overlap, or another batch runs on the output.</exception>
    /// <exception cref="BatchKeyFileException">The batch key file is unreadable, not private or not a key.</exception>
    /// <exception cref="AuditUnavailableException">The audit log could not take a record; the batch stopped there.</exception>
    public async Task<DeidBatchReport> RunAsync(DeidJob job, AuditActor actor, IProgress<DeidProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var folders = DeidFolders.Resolve(job.Input, job.Output);
        var keyFile = job.KeyFile ?? folders.DefaultKeyFile;
        folders.CheckKeyFile(keyFile);
        await using var operation = await AuditedOperation.BeginAsync(
            log, actor, job.Kind == DeidKind.Photos ? "deid.photos" : "deid.dicom", Purposes.Operations, cancellationToken: cancellationToken);
        using var key = BatchKeyFile.LoadOrCreate(keyFile);
        var deidentifier = Deidentifiers.Create(job.Kind, key, job.Settings, faces, worker);
        try
        {
            var report = await new DeidBatch(folders, deidentifier, key, job.Workers, job.RetryFailed, new AuditedDeidJournal(operation)).RunAsync(progress, cancellationToken);
            var t = report.Totals;
            await operation.SucceededAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{t.Files} files: {t.Deidentified} de-identified, {t.Failed} failed, {t.Quarantined} quarantined, {t.NeedsReview} need review"));
            return report;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await operation.FailedAsync("cancelled; finished files kept");
            throw;
        }
        finally
        {
            (deidentifier as IDisposable)?.Dispose();
        }
    }

    /// <summary>The folders a batch on these paths uses (checked: they must not overlap).</summary>
    public static DeidFolders FoldersFor(string input, string output) => DeidFolders.Resolve(input, output);

    /// <summary>The folders of the batch whose release folder is <paramref name="output"/>.</summary>
    public static DeidFolders FoldersFor(string output) => DeidFolders.ForOutput(output);

    /// <summary>The batch report as the last run (finished or cancelled) wrote it.</summary>
    public static DeidBatchReport ReadReport(DeidFolders folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        return DeidReportJson.Read<DeidBatchReport>(folders.ReportJson);
    }

    /// <summary>
    /// Moves quarantined outputs a person has checked into the release folder, recording the reviewer in each report;
    /// each file is recorded in the audit log before it is moved.
    /// </summary>
    public async Task<IReadOnlyList<DeidFileReport>> ReleaseAsync(AuditActor actor, string output, IReadOnlyList<string> names, string reviewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        var folders = DeidFolders.ForOutput(output);
        await using var operation = await AuditedOperation.BeginAsync(log, actor, "deid.release", Purposes.Operations, reason: $"reviewer {reviewer}", cancellationToken: cancellationToken);
        var released = new List<DeidFileReport>();
        foreach (var name in names)
        {
            QuarantineRelease.Check(folders, name);
            await operation.StepAsync("file", AuditedOperation.Started, $"releasing {name}");
            released.Add(QuarantineRelease.Release(folders, name, reviewer, DateTimeOffset.UtcNow));
        }

        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"{released.Count} files released"));
        return released;
    }

    /// <summary>What a worker process runs (started through <see cref="DeidWorkerCommand"/>); false when no batch spoke to it.</summary>
    public Task<bool> ServeWorkerAsync(Stream requests, Stream replies, CancellationToken cancellationToken) =>
        DeidWorker.ServeAsync(requests, replies, faces, cancellationToken);
}
