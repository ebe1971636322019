namespace Visage.Server.Tests;

/// <summary>
/// The real clock moved forward on demand: idle timeouts (15 minutes), elevations and key expiry (days) cannot be waited
/// for in a test, so the server is given this clock. It only ever moves forward, as the audit chain expects.
/// </summary>
internal sealed class TestClock : TimeProvider
{
    private long offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}
