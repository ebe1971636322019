using System.Data.Common;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Workflows.PurposeApprovals;

/// <summary>
/// Purpose limitation in code: a recognition purpose is unusable until an approval is recorded (approver, time,
/// rationale), and again once the approval is revoked. Decisions are appended, never edited, so the registry is also
/// its history; each is audited before it is stored. Every recognition service calls <see cref="EnsureApprovedAsync"/>.
/// </summary>
public sealed class PurposeRegistry(ProtectedStoreLifetime store, AuditLog log, IEnumerable<IAuditTextScreen> screens, TimeProvider time)
{
    public const int MaxRationaleLength = 500;
    private const string Approved = "approved";
    private const string Revoked = "revoked";

    /// <summary>Every recognition purpose with the decision in force, in <see cref="PurposeCodes"/> order.</summary>
    public async Task<IReadOnlyList<PurposeStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        var latest = await InForceAsync(cancellationToken);
        return PurposeCodes.Recognition.Select(p => new PurposeStatus(p, latest.GetValueOrDefault(p))).ToList();
    }

    /// <summary>Every decision on <paramref name="purpose"/>, oldest first.</summary>
    public async Task<IReadOnlyList<PurposeDecision>> HistoryAsync(Purposes purpose, CancellationToken cancellationToken = default)
    {
        RequireRecognitionPurpose(purpose);
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, purpose, decision, decided_by, decided_ms, rationale FROM purpose_decisions WHERE purpose = @purpose ORDER BY seq;";
        command.AddText("@purpose", purpose.ToCode());
        return await ReadAsync(command, cancellationToken);
    }

    /// <exception cref="PurposeNotApprovedException">No approval is in force for <paramref name="purpose"/>.</exception>
    public async Task EnsureApprovedAsync(Purposes purpose, CancellationToken cancellationToken = default)
    {
        RequireRecognitionPurpose(purpose);
        if ((await InForceAsync(cancellationToken)).GetValueOrDefault(purpose) is not { Approved: true })
        {
            throw new PurposeNotApprovedException(
                $"The purpose '{purpose.ToCode()}' is not approved: a privacy officer must record an approval (visage purposes approve {purpose.ToCode()} --rationale ...) before any recognition may serve it.");
        }
    }

    public Task<PurposeDecision> ApproveAsync(AuditActor actor, Purposes purpose, string rationale, CancellationToken cancellationToken = default) =>
        DecideAsync(actor, purpose, approve: true, rationale, cancellationToken);

    /// <summary>Revokes the approval in force; recognitions for the purpose are refused from now on.</summary>
    public Task<PurposeDecision> RevokeAsync(AuditActor actor, Purposes purpose, string rationale, CancellationToken cancellationToken = default) =>
        DecideAsync(actor, purpose, approve: false, rationale, cancellationToken);

    private async Task<PurposeDecision> DecideAsync(AuditActor actor, Purposes purpose, bool approve, string rationale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        RequireRecognitionPurpose(purpose);
        var action = approve ? "purpose.approve" : "purpose.revoke";
        if (RationaleProblem(rationale) is { } problem)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, $"{purpose.ToCode()}; {problem.Code}");
            throw new PurposeRationaleException(problem.Message);
        }

        var opened = await store.OpenAsync(cancellationToken);
        var decision = new PurposeDecision(Guid.NewGuid(), purpose, approve, actor.Id, DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()), rationale.Trim());
        await using var operation = await AuditedOperation.BeginAsync(log, actor, action, Purposes.Operations, reason: purpose.ToCode(), cancellationToken: cancellationToken);
        await using (var connection = await opened.Database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO purpose_decisions (id, purpose, decision, decided_by, decided_ms, rationale) VALUES (@id, @purpose, @decision, @by, @ms, @rationale);";
            command.AddParameter("@id", decision.Id);
            command.AddText("@purpose", purpose.ToCode());
            command.AddText("@decision", approve ? Approved : Revoked);
            command.AddText("@by", decision.DecidedBy);
            command.AddInt64("@ms", decision.DecidedUtc.ToUnixTimeMilliseconds());
            command.AddText("@rationale", decision.Rationale);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await operation.SucceededAsync($"{purpose.ToCode()}; decision {decision.Id:N}");
        return decision;
    }

    /// <summary>The rationale is kept in clear for the life of the registry: short, and screened like audit text.</summary>
    private (string Code, string Message)? RationaleProblem(string? rationale)
    {
        if (string.IsNullOrWhiteSpace(rationale) || rationale.Trim().Length > MaxRationaleLength)
        {
            return ("rationale-length", $"A rationale is required: 1 to {MaxRationaleLength} characters (e.g. the DPIA or committee reference and why). Nothing was recorded.");
        }

        foreach (var screen in screens)
        {
            if (screen.FindIdentifier(rationale) is { } kind)
            {
                return ("rationale-identifier", $"The rationale holds what looks like an identifier ({kind}); it is kept in clear, so it must not name or describe a patient. Nothing was recorded.");
            }
        }

        return null;
    }

    private async Task<Dictionary<Purposes, PurposeDecision>> InForceAsync(CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.id, d.purpose, d.decision, d.decided_by, d.decided_ms, d.rationale
            FROM purpose_decisions d
            WHERE d.seq = (SELECT MAX(seq) FROM purpose_decisions l WHERE l.purpose = d.purpose);
            """;
        return (await ReadAsync(command, cancellationToken)).ToDictionary(d => d.Purpose);
    }

    private static async Task<List<PurposeDecision>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var decisions = new List<PurposeDecision>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // A code this build does not know (written by a newer one) is skipped, never guessed.
            if (PurposeCodes.TryParse(reader.GetString(1), out var purpose))
            {
                decisions.Add(new PurposeDecision(
                    reader.GetGuid(0),
                    purpose,
                    string.Equals(reader.GetString(2), Approved, StringComparison.Ordinal),
                    reader.GetString(3),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    reader.GetString(5)));
            }
        }

        return decisions;
    }

    private static void RequireRecognitionPurpose(Purposes purpose)
    {
        if (!PurposeCodes.IsOneRecognitionPurpose(purpose))
        {
            throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Only one recognition purpose is approved at a time.");
        }
    }
}
