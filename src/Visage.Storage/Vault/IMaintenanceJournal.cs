namespace Visage.Storage;

/// <summary>Where a key maintenance (rotation, renewal) is at: its target and whether it resumes an interrupted run.</summary>
/// <param name="Version">The target key version as recorded, e.g. <c>kek-v4</c> or <c>transform-v3</c>.</param>
public sealed record MaintenanceStart(string Version, bool Resumed, long Total);

/// <summary>One committed batch of a key maintenance.</summary>
public sealed record MaintenanceBatch(string Version, int Number, long Done, long Total);

/// <summary>
/// Told of a key maintenance's start and of each batch as soon as it has committed (the audit log records them). A
/// journal that throws stops the maintenance after that batch; it resumes from there when run again.
/// </summary>
public interface IMaintenanceJournal
{
    Task StartedAsync(MaintenanceStart start, CancellationToken cancellationToken);

    Task BatchCommittedAsync(MaintenanceBatch batch, CancellationToken cancellationToken);
}
