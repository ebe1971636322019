using System.Globalization;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>Records a key maintenance's start (or resumption) and each committed batch under its <see cref="AuditedOperation"/>.</summary>
internal sealed class AuditedMaintenance(AuditedOperation operation) : IMaintenanceJournal
{
    // The batch has committed: its record is not cancellable (AuditedOperation.StepAsync).
    public async Task StartedAsync(MaintenanceStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        await operation.StepAsync(
            start.Resumed ? "resumed" : "target",
            AuditedOperation.Success,
            string.Create(CultureInfo.InvariantCulture, $"{(start.Resumed ? "resuming an interrupted run" : "new target")}: {start.Total} to re-key"),
            version: start.Version);
    }

    public async Task BatchCommittedAsync(MaintenanceBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await operation.StepAsync(
            "batch",
            AuditedOperation.Success,
            string.Create(CultureInfo.InvariantCulture, $"batch {batch.Number} committed: {batch.Done} of {batch.Total}"),
            version: batch.Version);
    }
}
