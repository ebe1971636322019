namespace Visage.Audit;

/// <summary>The kind of the first break verify found.</summary>
public enum AuditBreak
{
    /// <summary>A record's content no longer matches its hash, or a checkpoint's hash or count no longer matches the chain (a rewritten stretch).</summary>
    Modified,

    /// <summary>A sequence number is missing.</summary>
    Deleted,

    /// <summary>A record hashes correctly but links to no record in the chain: it was added, not written by the chain.</summary>
    Inserted,

    /// <summary>A genuine record sits at a position other than the one it was written at.</summary>
    Reordered,

    /// <summary>The chain ends before the sequence a signed checkpoint vouches for: its tail was deleted.</summary>
    TruncatedAfterCheckpoint,

    /// <summary>The database holds no records, yet a signed checkpoint vouches for some: the table was emptied.</summary>
    Wiped,

    /// <summary>
    /// A signed checkpoint that should be in the database is not: the anchor file holds one the database lacks, or the
    /// database has a longer stretch without one than the writer ever leaves.
    /// </summary>
    MissingCheckpoints,

    /// <summary>A checkpoint's signature does not verify under the given key, or names another key.</summary>
    BadCheckpointSignature,

    /// <summary>A stored row is not what the chain wrote: a column of the wrong type, NULL, a hash of the wrong length, a missing column.</summary>
    Malformed,

    /// <summary>The audit_records or audit_checkpoints table does not exist.</summary>
    TableMissing,
}

/// <summary>
/// What <see cref="AuditVerifier.VerifyAsync"/> found. Records after <see cref="LastCheckpointedSequence"/>
/// are linked but not yet vouched for by a signature: cutting them off would not be detectable.
/// </summary>
public sealed record AuditVerification(
    long RecordsChecked,
    long CheckpointsChecked,
    long LastSequence,
    long? LastCheckpointedSequence,
    long? FirstBrokenSequence,
    AuditBreak? Break)
{
    public bool IsIntact => Break is null;

    /// <summary>Records after the last valid checkpoint, whose completeness no signature proves.</summary>
    public long UncheckpointedRecords => LastSequence - (LastCheckpointedSequence ?? 0);

    /// <summary>Checkpoint rows in the database itself (<see cref="CheckpointsChecked"/> also counts anchors it lacks).</summary>
    public long StoredCheckpoints { get; init; }

    /// <summary>What is broken, naming tables, columns and where the checkpoint came from, never a stored value.</summary>
    public string? Detail { get; init; }
}
