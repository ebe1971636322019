namespace Visage.Audit;

/// <summary>
/// Rate limits face verification per subject (NIST SP 800-63B §5.2.2): after
/// <see cref="AlertOptions.FailedVerificationLimit"/> consecutive failures the subject is locked for
/// <see cref="AlertOptions.LockoutBase"/>, and every further failure doubles the delay up to
/// <see cref="AlertOptions.LockoutMax"/>. A success before the limit, or after the lock has expired, resets.
/// Hosts ask <see cref="LockedUntil"/> before verifying. Thread-safe; state is in memory only.
/// </summary>
public sealed class FaceVerificationLockout
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, State> subjects = new(StringComparer.Ordinal);
    private readonly int limit;
    private readonly TimeSpan lockoutBase;
    private readonly TimeSpan lockoutMax;

    public FaceVerificationLockout(AlertOptions? options = null)
    {
        options ??= new AlertOptions();
        options.Validate();
        limit = options.FailedVerificationLimit;
        lockoutBase = options.LockoutBase;
        lockoutMax = options.LockoutMax;
    }

    /// <summary>When the subject's lock ends, or null if face verification is allowed at <paramref name="now"/>.</summary>
    public DateTimeOffset? LockedUntil(string subject, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subject);
        lock (gate)
        {
            return subjects.TryGetValue(subject, out var state) && state.Until is { } until && until > now ? until : null;
        }
    }

    /// <summary>Counts a failure; returns the new lock end if this failure locks the subject (or lengthens its lock).</summary>
    public DateTimeOffset? RecordFailure(string subject, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(subject);
        lock (gate)
        {
            var failures = (subjects.TryGetValue(subject, out var state) ? state.Failures : 0) + 1;
            DateTimeOffset? until = null;
            if (failures >= limit)
            {
                until = at + Delay(failures - limit);
            }

            subjects[subject] = new State(failures, until ?? state?.Until);
            return until;
        }
    }

    /// <summary>Counts a success: resets unless the subject is still locked (a success then means the lock was bypassed).</summary>
    public void RecordSuccess(string subject, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(subject);
        lock (gate)
        {
            if (subjects.TryGetValue(subject, out var state) && !(state.Until > at))
            {
                subjects.Remove(subject);
            }
        }
    }

    /// <summary>Staff cleared the lock: the subject may verify again, and its failures are forgotten.</summary>
    public void Clear(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        lock (gate)
        {
            subjects.Remove(subject);
        }
    }

    /// <summary>Consecutive failures currently counted against <paramref name="subject"/>.</summary>
    public int Failures(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        lock (gate)
        {
            return subjects.TryGetValue(subject, out var state) ? state.Failures : 0;
        }
    }

    private TimeSpan Delay(int doublings)
    {
        // Shift in ticks, stopping at the cap before it could overflow.
        var ticks = lockoutBase.Ticks;
        for (var i = 0; i < doublings && ticks < lockoutMax.Ticks; i++)
        {
            ticks *= 2;
        }

        return TimeSpan.FromTicks(Math.Min(ticks, lockoutMax.Ticks));
    }

    private sealed record State(int Failures, DateTimeOffset? Until);
}
