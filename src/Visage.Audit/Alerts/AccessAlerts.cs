using System.Globalization;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>
/// Evaluates records as the chain commits them and returns alerts, each an audit entry (action "alert.&lt;kind&gt;",
/// actor "visage", role "system", the triggering record's correlation id) that the chain appends, so alerts are
/// tamper-evident and found with <see cref="AuditQueries.ByActionAsync"/>. Kinds: mass access (an actor touches
/// more than <see cref="AlertOptions.MassAccessSubjects"/> distinct subjects within the window, once per crossing),
/// after hours (any record with a subject outside clinic hours), break glass (every use, for review) and
/// verification lockout (see <see cref="FaceVerificationLockout"/>). Windows are in memory and use record times;
/// after a restart <see cref="RestoreAsync"/> rebuilds them from the chain before this is attached with
/// <see cref="AuditChain.Observer"/>, so a restart neither resets a lockout nor forgets an actor's recent accesses.
/// </summary>
public sealed class AccessAlerts : IAuditObserver
{
    public const string AlertPrefix = "alert.";
    public const string MassAccess = "alert.mass-access";
    public const string AfterHours = "alert.after-hours";
    public const string BreakGlass = "alert.break-glass";
    public const string VerificationLockout = "alert.verification-lockout";

    /// <summary>The action of a face verification; with outcome <see cref="FailureOutcome"/> it counts towards a lockout.</summary>
    public const string VerifyAction = "verify";

    /// <summary>Staff clearing a subject's verification lock; with outcome <see cref="SuccessOutcome"/> the lock and the failure count go.</summary>
    public const string UnlockAction = "verify.unlock";
    public const string BreakGlassAction = "break-glass";
    public const string FailureOutcome = "failure";
    public const string SuccessOutcome = "success";

    private readonly Lock gate = new();
    private readonly AlertOptions options;
    private readonly TimeZoneInfo zone;
    private readonly Dictionary<string, ActorWindow> actors = new(StringComparer.Ordinal);
    private DateTimeOffset lastSweep = DateTimeOffset.MinValue;

    public AccessAlerts(AlertOptions? options = null, FaceVerificationLockout? lockout = null)
    {
        this.options = options ?? new AlertOptions();
        zone = this.options.Validate();
        Lockout = lockout ?? new FaceVerificationLockout(this.options);
    }

    /// <summary>The lockout this evaluator feeds; hosts ask it before verifying a face.</summary>
    public FaceVerificationLockout Lockout { get; }

    public IReadOnlyList<AuditEntry> OnCommitted(IReadOnlyList<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        List<AuditEntry>? alerts = null;
        lock (gate)
        {
            foreach (var record in records)
            {
                Evaluate(record, ref alerts);
            }
        }

        return alerts ?? (IReadOnlyList<AuditEntry>)[];
    }

    /// <summary>
    /// Replays the records since <see cref="AlertOptions.RestoreWindow"/> before <paramref name="now"/> into
    /// the windows and the lockout, raising nothing: their alerts are already in the chain. Call at start-up, before
    /// attaching this observer and before the first append. Returns how many records were replayed.
    /// </summary>
    public async Task<long> RestoreAsync(VisageDatabase database, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var queries = new AuditQueries(database);
        var from = now - options.RestoreWindow;
        long replayed = 0;
        long after = 0;
        do
        {
            var page = await queries.ByTimeRangeAsync(from, DateTimeOffset.MaxValue, after, AuditQueries.MaxPageSize, cancellationToken);
            List<AuditEntry>? discarded = null;
            lock (gate)
            {
                foreach (var record in page.Records)
                {
                    Evaluate(record, ref discarded);
                }
            }

            replayed += page.Records.Count;
            after = page.NextAfter ?? 0;
        }
        while (after > 0);

        return replayed;
    }

    private void Evaluate(AuditRecord record, ref List<AuditEntry>? alerts)
    {
        // Alerts are records too; evaluating them would alert on alerts (and after hours, forever).
        if (record.Action.StartsWith(AlertPrefix, StringComparison.Ordinal))
        {
            return;
        }

        // One alert per use: an operation's "started" record is followed by its outcome.
        if (string.Equals(record.Action, BreakGlassAction, StringComparison.Ordinal) && !string.Equals(record.Outcome, AuditedOperation.Started, StringComparison.Ordinal))
        {
            Add(ref alerts, BreakGlass, record, Text($"break-glass by actor {record.Actor}{On(record.Subject)} needs after-the-fact review"));
        }

        if (record.Subject is not { } subject)
        {
            return;
        }

        if (!WithinClinicHours(record.TimeUtc, out var local))
        {
            Add(ref alerts, AfterHours, record, Text(
                $"actor {record.Actor} did {record.Action} on subject {subject} at {local:yyyy-MM-dd HH:mm} {zone.Id}, outside clinic hours {options.ClinicOpens:HH:mm}-{options.ClinicCloses:HH:mm}"));
        }

        if (CrossesMassAccess(record, subject) is { } distinct)
        {
            Add(ref alerts, MassAccess, record with { Subject = null }, Text(
                $"actor {record.Actor} accessed {distinct} distinct subjects within {options.MassAccessWindow.TotalMinutes:0.##} min (limit {options.MassAccessSubjects})"));
        }

        if (string.Equals(record.Action, UnlockAction, StringComparison.Ordinal) && string.Equals(record.Outcome, SuccessOutcome, StringComparison.Ordinal))
        {
            Lockout.Clear(subject);
        }

        if (string.Equals(record.Action, VerifyAction, StringComparison.Ordinal))
        {
            if (string.Equals(record.Outcome, FailureOutcome, StringComparison.Ordinal))
            {
                if (Lockout.RecordFailure(subject, record.TimeUtc) is { } until)
                {
                    Add(ref alerts, VerificationLockout, record, Text(
                        $"{Lockout.Failures(subject)} consecutive failed face verifications on subject {subject}, last by actor {record.Actor}; locked for {(until - record.TimeUtc).TotalSeconds:0} s until {until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
                }
            }
            else if (string.Equals(record.Outcome, SuccessOutcome, StringComparison.Ordinal))
            {
                Lockout.RecordSuccess(subject, record.TimeUtc);
            }
        }
    }

    private bool WithinClinicHours(DateTimeOffset timeUtc, out DateTime local)
    {
        local = TimeZoneInfo.ConvertTimeFromUtc(timeUtc.UtcDateTime, zone);
        var time = TimeOnly.FromDateTime(local);
        return options.ClinicOpens < options.ClinicCloses
            ? time >= options.ClinicOpens && time < options.ClinicCloses
            : time >= options.ClinicOpens || time < options.ClinicCloses; // open overnight
    }

    /// <summary>The distinct-subject count when this record takes the actor over the limit; null otherwise.</summary>
    private int? CrossesMassAccess(AuditRecord record, string subject)
    {
        var now = record.TimeUtc;
        SweepIdleActors(now);
        if (!actors.TryGetValue(record.Actor, out var window))
        {
            window = new ActorWindow();
            actors.Add(record.Actor, window);
        }

        window.Expire(now - options.MassAccessWindow);
        window.Touch(subject, now);
        var distinct = window.Distinct;
        if (distinct <= options.MassAccessSubjects)
        {
            // Back under the limit: the next crossing is a new event worth an alert.
            window.Raised = false;
            return null;
        }

        if (window.Raised)
        {
            return null;
        }

        window.Raised = true;
        return distinct;
    }

    /// <summary>Drops actors idle for a whole window, so memory follows active actors, not every actor ever seen.</summary>
    private void SweepIdleActors(DateTimeOffset now)
    {
        if (now - lastSweep < options.MassAccessWindow)
        {
            return;
        }

        lastSweep = now;
        var cutoff = now - options.MassAccessWindow;
        List<string>? idle = null;
        foreach (var (actor, window) in actors)
        {
            window.Expire(cutoff);
            if (window.Distinct == 0)
            {
                (idle ??= []).Add(actor);
            }
        }

        foreach (var actor in idle ?? [])
        {
            actors.Remove(actor);
        }
    }

    private static void Add(ref List<AuditEntry>? alerts, string action, AuditRecord trigger, string reason) =>
        (alerts ??= []).Add(new AuditEntry(
            Actor: "visage",
            ActorRole: "system",
            Action: action,
            Purpose: Purposes.SecurityReview,
            Subject: trigger.Subject,
            Outcome: "raised",
            Reason: reason,
            ModelVersion: null,
            CorrelationId: trigger.CorrelationId,
            ClientAddressHash: null));

    private static string On(string? subject) => subject is null ? string.Empty : $" on subject {subject}";

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One actor's accesses within the window: who was touched last when, oldest first.</summary>
    private sealed class ActorWindow
    {
        private readonly Queue<(DateTimeOffset Time, string Subject)> touches = new();
        private readonly Dictionary<string, DateTimeOffset> lastTouch = new(StringComparer.Ordinal);

        public bool Raised { get; set; }

        public int Distinct => lastTouch.Count;

        public void Touch(string subject, DateTimeOffset time)
        {
            touches.Enqueue((time, subject));
            lastTouch[subject] = time;
        }

        public void Expire(DateTimeOffset cutoff)
        {
            while (touches.TryPeek(out var oldest) && oldest.Time <= cutoff)
            {
                touches.Dequeue();
                // A later touch of the same subject keeps it in the window.
                if (lastTouch.TryGetValue(oldest.Subject, out var last) && last == oldest.Time)
                {
                    lastTouch.Remove(oldest.Subject);
                }
            }
        }
    }
}
