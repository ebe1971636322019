namespace Visage.Audit.Tests;

public sealed class FaceVerificationLockoutAlertTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LockedUntil_FiveFailures_LockedForBase()
    {
        var lockout = new FaceVerificationLockout();

        for (var i = 0; i < 4; i++)
        {
            Assert.Null(lockout.RecordFailure("s-1", Start));
            Assert.Null(lockout.LockedUntil("s-1", Start));
        }

        Assert.Equal(Start.AddSeconds(30), lockout.RecordFailure("s-1", Start));
        Assert.Equal(Start.AddSeconds(30), lockout.LockedUntil("s-1", Start.AddSeconds(29)));
        Assert.Null(lockout.LockedUntil("s-1", Start.AddSeconds(30)));
    }

    [Fact]
    public void LockedUntil_SixthFailure_DoublesDelay()
    {
        var lockout = new FaceVerificationLockout();
        Fail(lockout, 5, Start);

        var sixth = Start.AddSeconds(40); // after the first lock expired: still no reset without a success
        Assert.Equal(sixth.AddSeconds(60), lockout.RecordFailure("s-1", sixth));
        Assert.Equal(sixth.AddSeconds(120), lockout.RecordFailure("s-1", sixth));
        Assert.Equal(sixth.AddSeconds(120), lockout.LockedUntil("s-1", sixth.AddSeconds(100)));
    }

    [Fact]
    public void LockedUntil_ManyFailures_CappedAtMax()
    {
        var lockout = new FaceVerificationLockout(new AlertOptions { LockoutMax = TimeSpan.FromMinutes(5) });

        Fail(lockout, 200, Start);

        Assert.Equal(Start.AddMinutes(5), lockout.LockedUntil("s-1", Start));
    }

    [Fact]
    public void RecordSuccess_AfterExpiry_Resets()
    {
        var lockout = new FaceVerificationLockout();
        Fail(lockout, 5, Start);

        lockout.RecordSuccess("s-1", Start.AddSeconds(31));

        Assert.Equal(0, lockout.Failures("s-1"));
        Assert.Null(lockout.RecordFailure("s-1", Start.AddSeconds(32)));
        Assert.Null(lockout.LockedUntil("s-1", Start.AddSeconds(32)));
    }

    [Fact]
    public void RecordSuccess_WhileLocked_KeepsLock()
    {
        var lockout = new FaceVerificationLockout();
        Fail(lockout, 5, Start);

        lockout.RecordSuccess("s-1", Start.AddSeconds(10));

        Assert.Equal(Start.AddSeconds(30), lockout.LockedUntil("s-1", Start.AddSeconds(10)));
        Assert.Equal(Start.AddSeconds(10 + 60), lockout.RecordFailure("s-1", Start.AddSeconds(10)));
    }

    [Fact]
    public void RecordFailure_ConcurrentThreads_CountsEveryFailure()
    {
        var lockout = new FaceVerificationLockout(new AlertOptions { FailedVerificationLimit = 1000 });

        Parallel.For(0, 999, _ => lockout.RecordFailure("s-1", Start));

        Assert.Equal(999, lockout.Failures("s-1"));
        Assert.Null(lockout.LockedUntil("s-1", Start));
        Assert.Equal(Start.AddSeconds(30), lockout.RecordFailure("s-1", Start));
    }

    private static void Fail(FaceVerificationLockout lockout, int times, DateTimeOffset at)
    {
        for (var i = 0; i < times; i++)
        {
            lockout.RecordFailure("s-1", at);
        }
    }
}
