namespace Visage.Audit.Tests;

/// <summary>A wall clock the test sets; timers and timestamps stay real.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
