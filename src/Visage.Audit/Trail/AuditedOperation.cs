using Visage.Gallery;

namespace Visage.Audit;

/// <summary>
/// One operation on protected data as the audit log sees it: a <c>started</c> record is committed before the
/// operation touches anything (if it cannot be, the operation does not run), each step of a long operation adds a
/// record under the same correlation id, and the end is recorded as <c>success</c> or <c>failure</c>. An operation
/// disposed without an outcome (an exception escaped) is recorded as a failure, best effort: the exception that
/// ended it is what the caller sees.
/// </summary>
public sealed class AuditedOperation : IAsyncDisposable
{
    public const string Started = "started";
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Refused = "refused";

    private readonly AuditLog log;
    private readonly AuditActor actor;
    private readonly Purposes purpose;
    private bool concluded;

    private AuditedOperation(AuditLog log, AuditActor actor, string action, Purposes purpose, string? subject, string? version, string correlationId)
    {
        this.log = log;
        this.actor = actor;
        this.purpose = purpose;
        Action = action;
        Subject = subject;
        Version = version;
        CorrelationId = correlationId;
    }

    public string Action { get; }

    public string? Subject { get; }

    /// <summary>Model or key version the operation works with, as recorded (e.g. <c>kek-v3</c>, <c>transform-v2</c>).</summary>
    public string? Version { get; private set; }

    public string CorrelationId { get; }

    /// <summary>The <c>started</c> record, or <see cref="AuditUnavailableException"/>: then nothing must be done.</summary>
    public static async Task<AuditedOperation> BeginAsync(
        AuditLog log,
        AuditActor actor,
        string action,
        Purposes purpose,
        string? subject = null,
        string? version = null,
        string? reason = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        var operation = new AuditedOperation(log, actor, action, purpose, subject, version, Guid.NewGuid().ToString("N"));
        try
        {
            await operation.AppendAsync(action, Started, reason, version, cancellationToken);
        }
        catch (AuditUnavailableException ex)
        {
            throw new AuditUnavailableException($"{ex.Message} Nothing was done: {action} was not started.", ex);
        }

        return operation;
    }

    /// <summary>
    /// The one record of an operation that has to happen before the audit log can take records (a schema migration
    /// creates the log's own tables): its outcome, written as soon as the log opens.
    /// </summary>
    public static Task<AuditRecord> RecordDoneAsync(AuditLog log, AuditActor actor, string action, Purposes purpose, string reason, string? version = null, string? subject = null) =>
        RecordOnceAsync(log, actor, action, purpose, Success, reason, version, subject);

    /// <summary>The one record of a request refused before it started (bad input, policy): its reason code, never the input.</summary>
    public static Task<AuditRecord> RecordRefusedAsync(AuditLog log, AuditActor actor, string action, Purposes purpose, string reasonCode, string? subject = null, string? version = null) =>
        RecordOnceAsync(log, actor, action, purpose, Refused, reasonCode, version, subject);

    private static async Task<AuditRecord> RecordOnceAsync(AuditLog log, AuditActor actor, string action, Purposes purpose, string outcome, string reason, string? version, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(actor);
        var entry = new AuditEntry(actor.Id, actor.Role, action, purpose, subject, outcome, reason, version, Guid.NewGuid().ToString("N"), null);
        try
        {
            return await log.AppendAsync(entry, CancellationToken.None);
        }
        catch (AuditUnavailableException ex)
        {
            throw new AuditUnavailableException($"{ex.Message} {action} ({outcome}) could not be recorded.", ex);
        }
    }

    /// <summary>
    /// One step (a committed batch, a file): <c>{action}.{step}</c> with its own outcome. Not cancellable: the step has
    /// happened, and a record half-sent is worse than one late.
    /// </summary>
    public Task<AuditRecord> StepAsync(string step, string outcome, string? reason, string? subject = null, string? version = null) =>
        AfterTheFactAsync($"{Action}.{step}", outcome, reason, version ?? Version, subject);

    /// <summary>The operation has happened: recorded without cancellation; a log that refuses it says so.</summary>
    /// <param name="subject">The subject the outcome concerns when the start could not name it (a 1:N search's match).</param>
    public async Task<AuditRecord> SucceededAsync(string? reason = null, string? version = null, string? subject = null)
    {
        Version = version ?? Version;
        var record = await AfterTheFactAsync(Action, Success, reason, Version, subject);
        concluded = true;
        return record;
    }

    public async Task<AuditRecord> FailedAsync(string reason)
    {
        var record = await AfterTheFactAsync(Action, Failure, reason, Version, null);
        concluded = true;
        return record;
    }

    public async ValueTask DisposeAsync()
    {
        if (concluded)
        {
            return;
        }

        concluded = true;
        try
        {
            await AppendAsync(Action, Failure, "ended without an outcome", Version, CancellationToken.None);
        }
#pragma warning disable CA1031 // Best effort: the exception that ended the operation is the one the caller must see.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task<AuditRecord> AfterTheFactAsync(string action, string outcome, string? reason, string? version, string? subject)
    {
        try
        {
            return await AppendAsync(action, outcome, reason, version, CancellationToken.None, subject);
        }
        catch (AuditUnavailableException ex)
        {
            throw new AuditUnavailableException($"{ex.Message} {Action} was carried out up to this point, but its '{outcome}' record could not be written (correlation id {CorrelationId}; its 'started' record stands).", ex);
        }
    }

    private Task<AuditRecord> AppendAsync(string action, string outcome, string? reason, string? version, CancellationToken cancellationToken, string? subject = null) =>
        log.AppendAsync(new AuditEntry(actor.Id, actor.Role, action, purpose, subject ?? Subject, outcome, reason, version, CorrelationId, null), cancellationToken);
}
