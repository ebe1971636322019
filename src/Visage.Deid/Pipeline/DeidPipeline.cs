using Visage.Deid.Batch;
using Visage.Deid.Reports;
using Visage.Face;

namespace Visage.Deid;

/// <summary>
/// De-identification as a host uses it: run a batch (DICOM in isolated worker processes, photos in process), serve a
/// worker, read a batch's report, release a checked file from quarantine. The host parses and prints; this does the rest.
/// </summary>
public sealed class DeidPipeline(FaceEngine faces, DeidWorkerCommand worker)
{
    /// <summary>
    /// Runs (or resumes) the batch; each file is told to <paramref name="journal"/> before its output is released.
    /// Cancelled: finished files are kept, report.json and summary.md are written, then <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="DeidFolderException">The folders overlap, or another batch runs on the output.</exception>
    /// <exception cref="BatchKeyFileException">The batch key file is unreadable, not private or not a key.</exception>
    public async Task<DeidBatchReport> RunAsync(DeidJob job, IDeidJournal? journal, IProgress<DeidProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var folders = DeidFolders.Resolve(job.Input, job.Output);
        var keyFile = job.KeyFile ?? folders.DefaultKeyFile;
        folders.CheckKeyFile(keyFile);
        using var key = BatchKeyFile.LoadOrCreate(keyFile);
        var deidentifier = Deidentifiers.Create(job.Kind, key, job.Settings, faces, worker);
        try
        {
            return await new DeidBatch(folders, deidentifier, key, job.Workers, job.RetryFailed, journal).RunAsync(progress, cancellationToken);
        }
        finally
        {
            (deidentifier as IDisposable)?.Dispose();
        }
    }

    /// <summary>The folders a batch on these paths uses (checked: they must not overlap).</summary>
    public static DeidFolders FoldersFor(string input, string output) => DeidFolders.Resolve(input, output);

    /// <summary>The batch report as the last run (finished or cancelled) wrote it.</summary>
    public static DeidBatchReport ReadReport(DeidFolders folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        return DeidReportJson.Read<DeidBatchReport>(folders.ReportJson);
    }

    /// <summary>Moves a quarantined output a person has checked into the release folder, recording the reviewer in its report.</summary>
    public static DeidFileReport Release(string output, string name, string reviewer) =>
        QuarantineRelease.Release(DeidFolders.ForOutput(output), name, reviewer, DateTimeOffset.UtcNow);

    /// <summary>The folders of the batch whose release folder is <paramref name="output"/>.</summary>
    public static DeidFolders FoldersFor(string output) => DeidFolders.ForOutput(output);

    /// <summary>What a worker process runs (started through <see cref="DeidWorkerCommand"/>); false when no batch spoke to it.</summary>
    public Task<bool> ServeWorkerAsync(Stream requests, Stream replies, CancellationToken cancellationToken) =>
        DeidWorker.ServeAsync(requests, replies, faces, cancellationToken);
}
