namespace Visage.Deid;

/// <summary>
/// One batch: every file under <see cref="Input"/> into <see cref="Output"/> (reports and the batch key in
/// <c>Output.deid</c>). <see cref="KeyFile"/> null: <c>Output.deid/batch.key</c>, created when missing.
/// </summary>
public sealed record DeidJob(DeidKind Kind, string Input, string Output, DeidSettings Settings)
{
    public string? KeyFile { get; init; }

    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>When resuming, also redo files an earlier run reported as failed.</summary>
    public bool RetryFailed { get; init; }
}
