namespace Visage.Deid.Batch;

/// <summary>
/// One finished file as the audit log records it: the SHA-256 of the input (never its name or path, which can carry
/// PHI), the pseudonymous output name and the outcome (<c>success</c>: released; <c>quarantined</c>; <c>failure</c>).
/// </summary>
public sealed record DeidFileRecord(string InputSha256, string? OutputName, string Outcome);

/// <summary>
/// Told of each file before its output is released or quarantined (or, for a failed file, before its report is
/// written). A journal that throws stops the batch; that file is left undone, and a rerun resumes with it.
/// </summary>
public interface IDeidJournal
{
    Task FileFinishedAsync(DeidFileRecord record, CancellationToken cancellationToken);
}
