using System.ComponentModel.DataAnnotations;

namespace Visage.Audit;

/// <summary>How often the chain signs a checkpoint, and how much one group commit may hold.</summary>
public sealed class AuditChainOptions
{
    /// <summary>Sign once at least this many records have been written since the last checkpoint.</summary>
    [Range(1, int.MaxValue)]
    public int CheckpointEveryRecords { get; set; } = 1000;

    /// <summary>Sign once this long has passed since the last checkpoint, if anything was written meanwhile.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most appends one transaction takes; the rest wait for the next.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 4096;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where each signed checkpoint is also copied after it commits (e.g. a <see cref="CheckpointAnchorFile"/> on another disk).</summary>
    public IAuditCheckpointSink? CheckpointSink { get; set; }
}
