using System.ComponentModel.DataAnnotations;

namespace Visage.Audit;

/// <summary>How often the chain signs a checkpoint, where it anchors them, and how much one group commit may hold.</summary>
public sealed class AuditChainOptions
{
    public const int DefaultCheckpointEveryRecords = 1000;

    /// <summary>
    /// A checkpoint is signed at every this-many records (never more apart: verify reports a longer unsigned stretch as
    /// <see cref="AuditBreak.MissingCheckpoints"/>, so it must be told the same number).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int CheckpointEveryRecords { get; set; } = DefaultCheckpointEveryRecords;

    /// <summary>Sign once this long has passed since the last checkpoint, if anything was written meanwhile.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most appends one transaction takes; the rest wait for the next.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 4096;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The <see cref="CheckpointAnchorFile"/> every signed checkpoint is appended to outside the database. Null: the
    /// store's default (<see cref="CheckpointAnchorLocation.Default"/>: beside a SQLite file; for PostgreSQL, in the
    /// default data directory — a host with a configured data directory passes <see cref="CheckpointAnchorLocation.For"/>).
    /// </summary>
    public string? AnchorFile { get; set; }

    /// <summary>
    /// Screens each caller's <see cref="AuditEntry.Reason"/> (the only free text; ids are opaque) before it is queued;
    /// an entry holding an identifier is refused with <see cref="AuditTextRefusedException"/>. Null: not screened (hosts
    /// wire Visage.Deid's <c>PhiAuditTextScreen</c>). The chain's own alert entries are not screened: their text is generated.
    /// </summary>
    public IAuditTextScreen? TextScreen { get; set; }

    /// <summary>Another place each signed checkpoint is also copied to after it commits (e.g. a syslog forwarder, or an anchor file on another disk).</summary>
    public IAuditCheckpointSink? CheckpointSink { get; set; }
}
