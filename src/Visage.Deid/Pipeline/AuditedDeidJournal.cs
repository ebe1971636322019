using Visage.Audit;
using Visage.Deid.Batch;

namespace Visage.Deid;

/// <summary>Records each de-identified file as a step of the batch's <see cref="AuditedOperation"/>.</summary>
internal sealed class AuditedDeidJournal(AuditedOperation operation) : IDeidJournal
{
    // The file is done: its record is not cancellable (AuditedOperation.StepAsync).
    public async Task FileFinishedAsync(DeidFileRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var output = record.OutputName is null ? "no output" : $"output {record.OutputName}";
        await operation.StepAsync("file", record.Outcome, $"input sha256 {record.InputSha256}; {output}");
    }
}
