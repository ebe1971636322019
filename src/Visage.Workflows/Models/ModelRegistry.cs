using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.Evaluation;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Models;

/// <summary>One decision of the registry: a model promoted (on a report, perhaps by override) or rolled back to.</summary>
public sealed record ModelDecision(long Seq, string Model, string Decision, Guid? ReportId, IReadOnlyList<GateResult> Gates, string? OverrideReason, string DecidedBy, DateTimeOffset Decided)
{
    /// <summary>The liveness report the gates read, kept in the gates' own row (none before liveness was gated).</summary>
    public Guid? LivenessReportId => Gates.FirstOrDefault(g => g.Gate == LivenessGates.ReportGate)?.Report;
}

/// <summary>
/// Which embedding model version is approved for use, and why: a model is promoted only on a stored, signed evaluation
/// report of that very model that passes the gates (<see cref="PromotionGates"/>) at the recognition thresholds
/// configured now, with the liveness the deployment uses judged from a stored liveness report (<see cref="LivenessGates"/>),
/// or by an approver's override with a recorded reason; rollback returns to the model active before, in one step.
/// Decisions are appended, never edited, and each is audited (<c>model.promote</c>, <c>model.rollback</c>) with the
/// model as the record's version.
/// </summary>
public sealed class ModelRegistry(
    ProtectedStoreLifetime store,
    AuditLog log,
    EvaluationRecords reports,
    IEnumerable<IAuditTextScreen> screens,
    TimeProvider time,
    IOptions<PromotionGateOptions> options,
    IOptions<RecognitionOptions> recognition)
{
    /// <summary>Longest override reason kept (a committee reference and why, not a document).</summary>
    public const int MaxOverrideReasonLength = 500;

    public const string PromoteAction = "model.promote";
    public const string RollbackAction = "model.rollback";

    /// <param name="reportId">The stored pairs report of <paramref name="model"/> (<c>visage eval pairs</c>).</param>
    /// <param name="livenessReportId">The stored liveness report (<c>visage eval liveness</c>); without one the liveness gate fails unless not required.</param>
    public async Task<ModelDecision> PromoteAsync(AuditActor actor, string model, Guid reportId, Guid? livenessReportId, string? overrideReason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var report = await reports.GetAsync(actor, reportId, cancellationToken);
        var liveness = livenessReportId is { } livenessId ? await reports.GetAsync(actor, livenessId, cancellationToken) : null;
        var gates = await RefusalAudit.CheckAsync(log, actor, PromoteAction, Purposes.Operations, null, model, () =>
        {
            Usable(report, "pairs", "Promotion reads a verification report (kind pairs, from visage eval pairs).");
            if (!string.Equals(report!.ModelVersion, model, StringComparison.Ordinal))
            {
                throw new WorkflowRefusedException(RefusalCodes.ReportOfAnotherModel, RefusalKind.BadInput, "This report evaluated another model version; promote a model on its own report (visage eval reports shows each report's model).");
            }

            if (livenessReportId is not null)
            {
                Usable(liveness, "liveness", "--liveness-report reads a liveness report (kind liveness, from visage eval liveness).");
            }

            if (overrideReason is not null && OverrideProblem(overrideReason) is { } problem)
            {
                throw new WorkflowRefusedException(RefusalCodes.OverrideReasonRefused, RefusalKind.BadInput, problem);
            }

            var results = new List<GateResult>();
            try
            {
                results.AddRange(PromotionGates.Check(report.Body, options.Value, recognition.Value));
                results.AddRange(liveness is null ? LivenessGates.Absent(options.Value) : LivenessGates.Check(liveness.Id, liveness.Body, options.Value, recognition.Value.RequireActiveLiveness));
            }
            catch (FormatException ex)
            {
                throw new WorkflowRefusedException(RefusalCodes.ReportNotGateable, RefusalKind.BadInput, ex.Message);
            }

            var failed = results.Where(g => !g.Passed).ToList();
            if (failed.Count > 0 && string.IsNullOrWhiteSpace(overrideReason))
            {
                throw new WorkflowRefusedException(RefusalCodes.ModelGatesFailed, RefusalKind.NotPermitted, "The model fails its promotion gates: " + string.Join("; ", failed.Select(g => $"{g.Set} {g.Gate}: {g.Detail}")) + ". An approver may override with a recorded reason (--override).");
            }

            return Task.FromResult<IReadOnlyList<GateResult>>(results);
        });
        var failed = gates.Where(g => !g.Passed).ToList();
        // Written before the decision is stored, from gate codes and counts only (set names are file names and attack
        // species a site's words, which the audit log's PHI screen may refuse); the override's free text stays with the decision.
        var outcome = failed.Count > 0
            ? string.Create(CultureInfo.InvariantCulture, $"promoted by override; {failed.Count} gates failed: {string.Join(", ", failed.Select(g => g.Gate).Distinct(StringComparer.Ordinal))}")
            : string.Create(CultureInfo.InvariantCulture, $"promoted; {gates.Count(g => g.Judged)} gates passed, {gates.Count(g => !g.Judged)} not judged");
        await using var operation = await AuditedOperation.BeginAsync(log, actor, PromoteAction, Purposes.Operations, null, model, livenessReportId is null ? $"report {reportId}" : $"report {reportId}; liveness report {livenessReportId}", cancellationToken);
        var decision = await AppendAsync(actor, model, "promote", reportId, gates, failed.Count > 0 ? overrideReason!.Trim() : null, cancellationToken);
        await operation.SucceededAsync(outcome);
        return decision;
    }

    /// <summary>A report the gates may read: stored, its signature verifying, of the kind asked for.</summary>
    private static void Usable(StoredEvaluation? report, string kind, string kindProblem)
    {
        if (report is null)
        {
            throw new WorkflowRefusedException(RefusalCodes.UnknownReport, RefusalKind.NotFound, "No stored evaluation report has this id (visage eval reports lists them).");
        }

        if (!report.SignatureValid)
        {
            throw new WorkflowRefusedException(RefusalCodes.ReportInvalid, RefusalKind.NotPermitted, "This report's signature does not verify: it was changed after it was recorded.");
        }

        if (!string.Equals(report.Kind, kind, StringComparison.Ordinal))
        {
            throw new WorkflowRefusedException(RefusalCodes.ReportNotGateable, RefusalKind.BadInput, kindProblem);
        }
    }

    /// <summary>Returns to the model that was active before the current one.</summary>
    public async Task<ModelDecision> RollbackAsync(AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var actives = ActiveSequence([.. (await HistoryAsync(cancellationToken)).Select(d => (d.Model, d.Decision))]);
        var previous = await RefusalAudit.CheckAsync(log, actor, RollbackAction, Purposes.Operations, null, actives.Count > 0 ? actives[^1] : null, () =>
            actives.Count >= 2
                ? Task.FromResult(actives[^2])
                : throw new WorkflowRefusedException(RefusalCodes.NothingToRollBack, RefusalKind.NotFound, "No earlier active model to return to."));
        await using var operation = await AuditedOperation.BeginAsync(log, actor, RollbackAction, Purposes.Operations, null, previous, "rollback", cancellationToken);
        var decision = await AppendAsync(actor, previous, "rollback", null, [], null, cancellationToken);
        await operation.SucceededAsync("rolled back to the model active before");
        return decision;
    }

    /// <summary>An override reason is a committee reference and why, like a purpose rationale: bounded, and nothing the PHI screen flags.</summary>
    private string? OverrideProblem(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > MaxOverrideReasonLength)
        {
            return $"An override needs its reason: 1 to {MaxOverrideReasonLength} characters (the approval's reference and why).";
        }

        foreach (var screen in screens)
        {
            if (screen.FindIdentifier(reason) is { } kind)
            {
                return $"The override reason holds what looks like an identifier ({kind}); write the approval's reference and why, nothing about a person.";
            }
        }

        return null;
    }

    /// <summary>The model approved for use now, or null before any promotion.</summary>
    /// <remarks>Read on every capture (<see cref="ModelApproval"/>): only the model and decision columns, not the gates.</remarks>
    public async Task<string?> ActiveAsync(CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT model, decision FROM model_decisions ORDER BY seq;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var steps = new List<(string Model, string Decision)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            steps.Add((reader.GetString(0), reader.GetString(1)));
        }

        return ActiveSequence(steps) is { Count: > 0 } actives ? actives[^1] : null;
    }

    /// <summary>Every decision, oldest first.</summary>
    public async Task<IReadOnlyList<ModelDecision>> HistoryAsync(CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, model, decision, report_id, gates, override_reason, decided_by, decided_ms FROM model_decisions ORDER BY seq;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var decisions = new List<ModelDecision>();
        while (await reader.ReadAsync(cancellationToken))
        {
            decisions.Add(new ModelDecision(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3),
                JsonSerializer.Deserialize<List<GateResult>>(reader.GetString(4)) ?? [],
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }

        return decisions;
    }

    /// <summary>The models made active, in order, a rollback undoing the promotion it returns from.</summary>
    private static List<string> ActiveSequence(IReadOnlyList<(string Model, string Decision)> history)
    {
        var actives = new List<string>();
        foreach (var (model, decision) in history)
        {
            if (decision == "rollback" && actives.Count > 0)
            {
                actives.RemoveAt(actives.Count - 1);
            }
            else if (decision == "promote")
            {
                actives.Add(model);
            }
        }

        return actives;
    }

    private async Task<ModelDecision> AppendAsync(AuditActor actor, string model, string decision, Guid? reportId, IReadOnlyList<GateResult> gates, string? overrideReason, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO model_decisions (model, decision, report_id, gates, override_reason, decided_by, decided_ms) VALUES (@m, @d, @r, @g, @o, @by, @ms) RETURNING seq;";
        command.AddText("@m", model);
        command.AddText("@d", decision);
        command.AddTyped("@r", System.Data.DbType.Guid, reportId);
        command.AddText("@g", JsonSerializer.Serialize(gates));
        command.AddText("@o", overrideReason);
        command.AddText("@by", actor.Id);
        command.AddInt64("@ms", now.ToUnixTimeMilliseconds());
        var seq = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return new ModelDecision(seq, model, decision, reportId, gates, overrideReason, actor.Id, now);
    }
}
