namespace Visage.Audit;

/// <summary>
/// Receives every signed checkpoint after its transaction commits, to keep a copy where the database's administrator
/// cannot reach it (another disk, a write-once store, a syslog collector). Deleting the chain's tail together with
/// its checkpoints is invisible from the database alone; against such a copy it is not. Called in order on one
/// background task, never on the writer loop; an exception is swallowed (the checkpoint is still in the database,
/// and a copy that lags is still a valid copy).
/// </summary>
public interface IAuditCheckpointSink
{
    void Publish(AuditCheckpoint checkpoint);
}
