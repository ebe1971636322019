namespace Visage.Audit.Tests;

/// <summary>The evaluator on hand-made records with explicit times (no database).</summary>
public sealed class AccessAlertsTests
{
    // A Monday; New York is on EST (UTC-5) until 8 March 2026.
    private static readonly DateTimeOffset Noon = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private long sequence;

    [Fact]
    public void MassAccess_LimitPlusOneSubjectsWithinWindow_RaisedOnce()
    {
        var alerts = new AccessAlerts(new AlertOptions { MassAccessSubjects = 5, MassAccessWindow = TimeSpan.FromMinutes(10) });

        var raised = Enumerable.Range(0, 12)
            .SelectMany(i => alerts.OnCommitted([Record(Noon.AddSeconds(i * 10), subject: $"s-{i}", correlation: $"c-{i}")]))
            .Where(a => a.Action == AccessAlerts.MassAccess)
            .ToList();

        var alert = Assert.Single(raised);
        Assert.Equal("c-5", alert.CorrelationId);
        Assert.Null(alert.Subject);
        Assert.Equal("visage", alert.Actor);
        Assert.Equal("system", alert.ActorRole);
        Assert.Contains("actor actor-1", alert.Reason, StringComparison.Ordinal);
        Assert.Contains("6 distinct subjects", alert.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MassAccess_SubjectsSpreadBeyondWindow_NotRaised()
    {
        var alerts = new AccessAlerts(new AlertOptions { MassAccessSubjects = 5, MassAccessWindow = TimeSpan.FromMinutes(10) });

        // Three minutes apart: never more than four distinct subjects within any ten minutes.
        var raised = Enumerable.Range(0, 20).SelectMany(i => alerts.OnCommitted([Record(Noon.AddMinutes(i * 3), subject: $"s-{i}")]));

        Assert.DoesNotContain(raised, a => a.Action == AccessAlerts.MassAccess);
    }

    [Fact]
    public void MassAccess_RepeatedSubjects_CountOnce()
    {
        var alerts = new AccessAlerts(new AlertOptions { MassAccessSubjects = 5 });

        var raised = Enumerable.Range(0, 50).SelectMany(i => alerts.OnCommitted([Record(Noon.AddSeconds(i), subject: $"s-{i % 5}")]));

        Assert.DoesNotContain(raised, a => a.Action == AccessAlerts.MassAccess);
    }

    [Fact]
    public void MassAccess_DropsBelowThenCrossesAgain_RaisedTwice()
    {
        var alerts = new AccessAlerts(new AlertOptions { MassAccessSubjects = 2, MassAccessWindow = TimeSpan.FromMinutes(1) });

        var first = Enumerable.Range(0, 4).SelectMany(i => alerts.OnCommitted([Record(Noon.AddSeconds(i), subject: $"a-{i}")]));
        var second = Enumerable.Range(0, 4).SelectMany(i => alerts.OnCommitted([Record(Noon.AddMinutes(5).AddSeconds(i), subject: $"b-{i}")]));

        Assert.Single(first, a => a.Action == AccessAlerts.MassAccess);
        Assert.Single(second, a => a.Action == AccessAlerts.MassAccess);
    }

    [Fact]
    public void AfterHours_NewYorkAt0200Local_Raised()
    {
        var alerts = new AccessAlerts(new AlertOptions { ClinicTimeZone = "America/New_York" });

        var raised = alerts.OnCommitted([Record(new DateTimeOffset(2026, 3, 2, 7, 0, 0, TimeSpan.Zero), subject: "s-1", correlation: "night")]);

        var alert = Assert.Single(raised);
        Assert.Equal(AccessAlerts.AfterHours, alert.Action);
        Assert.Equal("s-1", alert.Subject);
        Assert.Equal("night", alert.CorrelationId);
        Assert.Contains("02:00", alert.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AfterHours_NewYorkAt1000Local_NotRaised()
    {
        var alerts = new AccessAlerts(new AlertOptions { ClinicTimeZone = "America/New_York" });

        // 10:00 in New York; 15:00 UTC. Also 02:00 UTC would be 21:00 local: after hours.
        Assert.Empty(alerts.OnCommitted([Record(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero), subject: "s-1")]));
        Assert.Single(alerts.OnCommitted([Record(new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero), subject: "s-1")]));
    }

    [Fact]
    public void AfterHours_NoSubject_NotRaised()
    {
        var alerts = new AccessAlerts();

        Assert.Empty(alerts.OnCommitted([Record(Noon.AddHours(-10), subject: null)]));
    }

    [Fact]
    public void AfterHours_OvernightClinic_OpenAtNight()
    {
        var alerts = new AccessAlerts(new AlertOptions { ClinicOpens = new TimeOnly(20, 0), ClinicCloses = new TimeOnly(6, 0) });

        Assert.Empty(alerts.OnCommitted([Record(Noon.AddHours(-10), subject: "s-1")]));
        Assert.Single(alerts.OnCommitted([Record(Noon, subject: "s-1")]));
    }

    [Fact]
    public void BreakGlass_EveryUse_Raised()
    {
        var alerts = new AccessAlerts();

        var raised = Enumerable.Range(0, 3)
            .SelectMany(i => alerts.OnCommitted([Record(Noon.AddSeconds(i), action: "break-glass", subject: i == 0 ? null : "s-1", correlation: $"bg-{i}")]))
            .ToList();

        Assert.Equal(3, raised.Count);
        Assert.All(raised, a => Assert.Equal(AccessAlerts.BreakGlass, a.Action));
        Assert.All(raised, a => Assert.Contains("needs after-the-fact review", a.Reason, StringComparison.Ordinal));
        Assert.Equal(["bg-0", "bg-1", "bg-2"], raised.Select(a => a.CorrelationId));
    }

    [Fact]
    public void Alerts_AlertRecords_NeverTriggerAlerts()
    {
        var alerts = new AccessAlerts(new AlertOptions { MassAccessSubjects = 1 });

        // At night, with a subject, many subjects: would raise every kind if it were not an alert.
        var raised = Enumerable.Range(0, 5).SelectMany(i => alerts.OnCommitted([Record(Noon.AddHours(-10), action: AccessAlerts.AfterHours, subject: $"s-{i}")]));

        Assert.Empty(raised);
    }

    [Fact]
    public void VerificationLockout_FiveFailures_RaisedAndSubjectLocked()
    {
        var alerts = new AccessAlerts();

        var raised = Enumerable.Range(0, 5).SelectMany(i => alerts.OnCommitted([Record(Noon.AddSeconds(i), action: "verify", subject: "s-1", outcome: "failure")])).ToList();

        var alert = Assert.Single(raised);
        Assert.Equal(AccessAlerts.VerificationLockout, alert.Action);
        Assert.Equal("s-1", alert.Subject);
        Assert.Contains("5 consecutive failed", alert.Reason, StringComparison.Ordinal);
        Assert.Equal(Noon.AddSeconds(4 + 30), alerts.Lockout.LockedUntil("s-1", Noon.AddSeconds(5)));
        Assert.Null(alerts.Lockout.LockedUntil("s-2", Noon.AddSeconds(5)));
    }

    [Fact]
    public void VerificationLockout_SuccessBeforeLimit_Resets()
    {
        var alerts = new AccessAlerts();

        var raised = Enumerable.Range(0, 9)
            .SelectMany(i => alerts.OnCommitted([Record(Noon.AddSeconds(i), action: "verify", subject: "s-1", outcome: i == 4 ? "success" : "failure")]));

        Assert.Empty(raised);
        Assert.Null(alerts.Lockout.LockedUntil("s-1", Noon.AddSeconds(9)));
    }

    [Fact]
    public void Options_Invalid_Throw()
    {
        Assert.Throws<ArgumentException>(() => new AlertOptions { ClinicTimeZone = "Mars/Olympus_Mons" }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlertOptions { MassAccessSubjects = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlertOptions { LockoutMax = TimeSpan.FromSeconds(1) }.Validate());
        Assert.Throws<ArgumentException>(() => new AlertOptions { ClinicOpens = new TimeOnly(8, 0), ClinicCloses = new TimeOnly(8, 0) }.Validate());
        Assert.Equal("America/New_York", new AlertOptions { ClinicTimeZone = "America/New_York" }.Validate().Id);
    }

    private AuditRecord Record(DateTimeOffset time, string actor = "actor-1", string action = "template.read", string? subject = "s-1", string outcome = "success", string correlation = "corr") =>
        new(++sequence, time, actor, "clinician", action, "treatment", subject, outcome, null, null, correlation, null, [], []);
}
