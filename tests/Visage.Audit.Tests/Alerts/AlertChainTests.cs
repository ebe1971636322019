using Visage.Storage;

namespace Visage.Audit.Tests;

/// <summary>Alerts wired into a real chain on SQLite: appended as records, queryable, and the chain still verifies.</summary>
public sealed class AlertChainTests : AuditContractTests
{
    // A Monday noon UTC: within the default clinic hours (07:00-19:00 UTC).
    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Chain_Alerts_AppendedQueryableByActionAndVerify()
    {
        var clock = new ManualTimeProvider(Noon);
        var alerts = new AccessAlerts(new AlertOptions { MassAccessSubjects = 3 });
        await using (var chain = await Harness.OpenChainAsync(new AuditChainOptions { TimeProvider = clock, CheckpointEveryRecords = 5 }))
        {
            chain.Observer = alerts;
            for (var i = 0; i < 6; i++)
            {
                clock.Now = Noon.AddSeconds(i);
                await chain.AppendAsync(AuditHarness.Entry(i, subject: $"s-{i}"));
            }

            await chain.AppendAsync(AuditHarness.Entry(10, subject: "s-0", action: "break-glass"));
            for (var i = 0; i < 5; i++)
            {
                await chain.AppendAsync(AuditHarness.Entry(20 + i, subject: "s-face", action: "verify") with { Outcome = "failure" });
            }

            clock.Now = Noon.AddHours(14); // 02:00 UTC the next day (record times never go backwards)
            await chain.AppendAsync(AuditHarness.Entry(30, subject: "s-night", actor: "actor-2"));
        }

        var queries = new AuditQueries(Harness.Database);
        var mass = Assert.Single((await queries.ByActionAsync(AccessAlerts.MassAccess)).Records);
        Assert.Equal("corr-3", mass.CorrelationId);
        Assert.Equal("visage", mass.Actor);
        Assert.Equal("system", mass.ActorRole);
        var breakGlass = Assert.Single((await queries.ByActionAsync(AccessAlerts.BreakGlass)).Records);
        Assert.Equal(("s-0", "corr-10"), (breakGlass.Subject, breakGlass.CorrelationId));
        var lockout = Assert.Single((await queries.ByActionAsync(AccessAlerts.VerificationLockout)).Records);
        Assert.Equal(("s-face", "corr-24"), (lockout.Subject, lockout.CorrelationId));
        Assert.NotNull(alerts.Lockout.LockedUntil("s-face", Noon.AddSeconds(10)));
        // Only the night access: the after-hours alert record itself (also stamped at night) raised nothing.
        var night = Assert.Single((await queries.ByActionAsync(AccessAlerts.AfterHours)).Records);
        Assert.Equal(("s-night", "corr-30"), (night.Subject, night.CorrelationId));
        Assert.Contains("actor actor-2", night.Reason, StringComparison.Ordinal);

        Assert.Equal(13 + 4, await Harness.ScalarAsync("SELECT COUNT(*) FROM audit_records;"));
        var verification = await Harness.VerifyAsync();
        Assert.True(verification.IsIntact, verification.ToString());
    }

    [Fact]
    public async Task Chain_ObserverThrows_AppendsStillCommit()
    {
        await using (var chain = await Harness.OpenChainAsync())
        {
            chain.Observer = new ThrowingObserver();
            await chain.AppendAsync(AuditHarness.Entry(1, subject: "s-1"));
            await chain.AppendAsync(AuditHarness.Entry(2, subject: "s-2"));
        }

        Assert.Equal(2, await Harness.ScalarAsync("SELECT COUNT(*) FROM audit_records;"));
        Assert.True((await Harness.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Restart_RestoredAlerts_KeepLockoutStreakAndMassAccessWindow()
    {
        var clock = new ManualTimeProvider(Noon);
        var options = new AlertOptions { MassAccessSubjects = 3 };
        await using (var chain = await Harness.OpenChainAsync(new AuditChainOptions { TimeProvider = clock }))
        {
            chain.Observer = new AccessAlerts(options);
            for (var i = 0; i < 4; i++)
            {
                await chain.AppendAsync(AuditHarness.Entry(i, subject: "s-face", action: "verify") with { Outcome = "failure" });
            }

            for (var i = 0; i < 3; i++)
            {
                await chain.AppendAsync(AuditHarness.Entry(10 + i, subject: $"s-{i}", actor: "actor-2"));
            }
        }

        // A restarted host: one more failure and one more subject cross both limits only if the state came back.
        clock.Now = Noon.AddMinutes(1);
        var restored = new AccessAlerts(options);
        Assert.Equal(7, await restored.RestoreAsync(Harness.Database, clock.GetUtcNow()));
        Assert.Equal(4, restored.Lockout.Failures("s-face"));
        var forgetful = new AccessAlerts(options);
        foreach (var (alerts, prefix) in new[] { (forgetful, "a"), (restored, "b") })
        {
            await using var chain = await Harness.OpenChainAsync(new AuditChainOptions { TimeProvider = clock });
            chain.Observer = alerts;
            await chain.AppendAsync(AuditHarness.Entry(20, subject: "s-face", action: "verify") with { Outcome = "failure", CorrelationId = $"{prefix}-verify" });
            await chain.AppendAsync(AuditHarness.Entry(21, subject: "s-3", actor: "actor-2") with { CorrelationId = $"{prefix}-touch" });
        }

        var queries = new AuditQueries(Harness.Database);
        var lockout = Assert.Single((await queries.ByActionAsync(AccessAlerts.VerificationLockout)).Records);
        Assert.Equal("b-verify", lockout.CorrelationId);
        var mass = Assert.Single((await queries.ByActionAsync(AccessAlerts.MassAccess)).Records);
        Assert.Equal("b-touch", mass.CorrelationId);
        Assert.NotNull(restored.Lockout.LockedUntil("s-face", clock.GetUtcNow()));
        Assert.Null(forgetful.Lockout.LockedUntil("s-face", clock.GetUtcNow()));
        Assert.True((await Harness.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task FailedBatch_AlertIsRetriedNotLost()
    {
        // A trigger makes every insert of the alert fail, as a full disk or a lost connection would.
        await Harness.ExecuteAsync("""
            CREATE TRIGGER refuse_alerts BEFORE INSERT ON audit_records WHEN NEW.action LIKE 'alert.%'
            BEGIN SELECT RAISE(ABORT, 'refused'); END;
            """);
        await using (var chain = await Harness.OpenChainAsync())
        {
            chain.Observer = new AccessAlerts();
            await chain.AppendAsync(AuditHarness.Entry(1, subject: "s-1", action: "break-glass"));
            // Let the writer try (and fail) the alert a few times, then let the database accept it again.
            await Task.Delay(TimeSpan.FromMilliseconds(350));
            Assert.Equal(0, await Harness.ScalarAsync("SELECT COUNT(*) FROM audit_records WHERE action LIKE 'alert.%';"));
            await Harness.ExecuteAsync("DROP TRIGGER refuse_alerts;");
            await chain.AppendAsync(AuditHarness.Entry(2, subject: "s-2"));
        }

        var alert = Assert.Single((await new AuditQueries(Harness.Database).ByActionAsync(AccessAlerts.BreakGlass)).Records);
        Assert.Equal("corr-1", alert.CorrelationId);
        Assert.True((await Harness.VerifyAsync()).IsIntact);
    }

    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenSqliteAsync(directory);

    private sealed class ThrowingObserver : IAuditObserver
    {
        public IReadOnlyList<AuditEntry> OnCommitted(IReadOnlyList<AuditRecord> records) => throw new InvalidOperationException("observer failed");
    }
}
