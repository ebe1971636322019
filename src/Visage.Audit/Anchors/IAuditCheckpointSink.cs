namespace Visage.Audit;

/// <summary>
/// Receives every signed checkpoint after its transaction commits, to keep a copy where the database's administrator
/// cannot reach it (another disk, a write-once store, a syslog collector). Deleting the chain's tail together with
/// its checkpoints is invisible from the database alone; against such a copy it is not. Called on the writer loop:
/// must be quick; an exception is swallowed (the checkpoint is still in the database).
/// </summary>
public interface IAuditCheckpointSink
{
    void Publish(AuditCheckpoint checkpoint);
}
