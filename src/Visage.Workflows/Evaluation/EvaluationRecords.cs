using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Evaluation;

/// <summary>A stored evaluation report: what was measured, of which model, by whom, and whether its signature still verifies.</summary>
public sealed record StoredEvaluation(Guid Id, string Kind, string ModelVersion, DateTimeOffset Recorded, string RecordedBy, string Sha256, bool SignatureValid, string Body);

/// <summary>
/// Evaluation reports kept as evidence: the JSON an evaluation wrote, signed with the audit signing key, stored, and
/// named in the audit log by id and SHA-256 — so a model's promotion can point at the report it passed, and anyone can
/// check later that the report was not edited. The body is the report as written; it holds figures and file names of
/// the evaluation set, never images or templates.
/// </summary>
public sealed class EvaluationRecords(ProtectedStoreLifetime store, AuditLog log, TimeProvider time)
{
    public const string RecordAction = "eval.report.record";
    public const string ReadAction = "eval.report.read";

    /// <summary>Largest report accepted (a pairs report with every subgroup is some hundreds of kilobytes).</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>Signs and stores <paramref name="body"/>; the report must be a JSON object naming its <c>model</c>.</summary>
    public async Task<StoredEvaluation> RecordAsync(AuditActor actor, string kind, string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(body);
        var model = await RefusalAudit.CheckAsync(log, actor, RecordAction, Purposes.Operations, null, null, () => Task.FromResult(ModelOf(kind, body)));
        var opened = await store.OpenAsync(cancellationToken);
        var id = Guid.NewGuid();
        var recorded = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var bytes = Encoding.UTF8.GetBytes(body);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await using var operation = await AuditedOperation.BeginAsync(log, actor, RecordAction, Purposes.Operations, null, model, $"{kind} report {id}", cancellationToken);
        var signature = opened.Keys.Sign(bytes);
        await using (var connection = await opened.Database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO evaluation_reports (id, kind, model_version, recorded_ms, recorded_by, body, signature) VALUES (@id, @kind, @model, @ms, @by, @body, @signature);";
            command.AddParameter("@id", id);
            command.AddText("@kind", kind);
            command.AddText("@model", model);
            command.AddInt64("@ms", recorded.ToUnixTimeMilliseconds());
            command.AddText("@by", actor.Id);
            command.AddText("@body", body);
            command.AddBytes("@signature", signature);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await operation.SucceededAsync($"report {id} stored and signed; sha256 {sha}");
        return new StoredEvaluation(id, kind, model, recorded, actor.Id, sha, true, body);
    }

    /// <summary>Every stored report, oldest first, each with whether its signature verifies (reading them is audited).</summary>
    public async Task<IReadOnlyList<StoredEvaluation>> ListAsync(AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var operation = await AuditedOperation.BeginAsync(log, actor, ReadAction, Purposes.Operations, cancellationToken: cancellationToken);
        var reports = await ReadAsync(null, cancellationToken);
        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"{reports.Count} reports shown, {reports.Count(r => !r.SignatureValid)} with an invalid signature"));
        return reports;
    }

    /// <summary>One stored report with whether its signature verifies, or null (reading it is audited).</summary>
    public async Task<StoredEvaluation?> GetAsync(AuditActor actor, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var operation = await AuditedOperation.BeginAsync(log, actor, ReadAction, Purposes.Operations, reason: $"report {id}", cancellationToken: cancellationToken);
        var report = (await ReadAsync(id, cancellationToken)).SingleOrDefault();
        await operation.SucceededAsync(report is null ? "not found" : report.SignatureValid ? "shown; signature valid" : "shown; signature INVALID");
        return report;
    }

    /// <summary>Every stored report, or the one with <paramref name="id"/>, each checked against the signing key.</summary>
    private async Task<List<StoredEvaluation>> ReadAsync(Guid? id, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        var publicKey = opened.Keys.ExportSigningPublicKey();
        var reports = new List<StoredEvaluation>();
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, kind, model_version, recorded_ms, recorded_by, body, signature FROM evaluation_reports"
            + (id is null ? string.Empty : " WHERE id = @id") + " ORDER BY recorded_ms, id;";
        if (id is { } one)
        {
            command.AddParameter("@id", one);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var body = reader.GetString(5);
            var kind = reader.GetString(1);
            var model = reader.GetString(2);
            // The signature covers the body only: a row relabelled to another model would still verify, so the
            // model it is listed under must be the one its signed body names.
            var valid = Retention.RetentionReport.Verify(body, (byte[])reader.GetValue(6), publicKey) && string.Equals(SignedModelOf(kind, body), model, StringComparison.Ordinal);
            reports.Add(new StoredEvaluation(
                reader.GetGuid(0),
                kind,
                model,
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.GetString(4),
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))),
                valid,
                body));
        }

        return reports;
    }

    private static string? SignedModelOf(string kind, string body)
    {
        try
        {
            return ModelOf(kind, body);
        }
        catch (WorkflowRefusedException)
        {
            return null;
        }
    }

    /// <summary>The kind is a short code; the body a JSON object with a non-empty <c>model</c> (the model version it evaluated).</summary>
    private static string ModelOf(string kind, string body)
    {
        if (string.IsNullOrWhiteSpace(kind) || kind.Length > 32 || !kind.All(c => char.IsAsciiLetterLower(c) || c == '-'))
        {
            throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, "A report's kind is a short lower-case code such as pairs, calibration or liveness.");
        }

        if (Encoding.UTF8.GetByteCount(body) > MaxBodyBytes)
        {
            throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, "The report is larger than 16 MiB.");
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("model", out var model)
                && model.ValueKind == JsonValueKind.String
                && model.GetString() is { Length: > 0 and <= 200 } version)
            {
                return version;
            }
        }
        catch (JsonException)
        {
            // Refused below, with the same message: the file is not a report.
        }

        throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, "This is not an evaluation report: expected the JSON object `visage eval` writes, with the model it evaluated (\"model\").");
    }
}
