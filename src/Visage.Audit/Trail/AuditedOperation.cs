using System.Globalization;
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
        await operation.AppendAsync(action, Started, reason, version, cancellationToken);
        return operation;
    }

    /// <summary>One step (a committed batch, a file): <c>{action}.{step}</c> with its own outcome.</summary>
    public Task<AuditRecord> StepAsync(string step, string outcome, string? reason, string? subject = null, string? version = null, CancellationToken cancellationToken = default) =>
        AppendAsync($"{Action}.{step}", outcome, reason, version ?? Version, cancellationToken, subject);

    public Task<AuditRecord> SucceededAsync(string? reason = null, string? version = null, CancellationToken cancellationToken = default)
    {
        concluded = true;
        Version = version ?? Version;
        return AppendAsync(Action, Success, reason, Version, cancellationToken);
    }

    public Task<AuditRecord> FailedAsync(string reason, CancellationToken cancellationToken = default)
    {
        concluded = true;
        return AppendAsync(Action, Failure, reason, Version, cancellationToken);
    }

    /// <summary>A failure reason that names the kind of error, never its message (which may carry a path or input).</summary>
    public static string ReasonFor(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is OperationCanceledException ? "cancelled" : string.Create(CultureInfo.InvariantCulture, $"error {exception.GetType().Name}");
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

    private Task<AuditRecord> AppendAsync(string action, string outcome, string? reason, string? version, CancellationToken cancellationToken, string? subject = null) =>
        log.AppendAsync(new AuditEntry(actor.Id, actor.Role, action, purpose, subject ?? Subject, outcome, reason, version, CorrelationId, null), cancellationToken);
}
