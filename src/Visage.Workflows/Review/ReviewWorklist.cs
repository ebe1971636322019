using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.Drift;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Review;

/// <summary>
/// The review queue: humans decide the weak and the contested: each item holds the probe image (sealed under a key of its own and
/// crypto-shredded after <see cref="RecognitionOptions.ProbeRetention"/>), the candidates with scores, the model version
/// and the reason. A reviewer confirms, chooses another candidate or rejects; a patient's appeal is recorded beside the
/// decision; the override report gives override rates per reviewer and per model version.
/// </summary>
public sealed class ReviewWorklist(ProtectedStoreLifetime store, RecognitionScores scores, AuditLog log, TimeProvider time, IOptions<RecognitionOptions> options)
{
    public const string ProbeKind = "review-probe";
    private const string Columns = "id, kind, purpose, reason, model_version, claimed_subject, candidates, created_ms, created_by, probe_until_ms, status, decided_by, decided_ms, chosen_subject, appeal_ms, appeal_by, appeal_outcome";

    /// <summary>
    /// Queues an item with its probe sealed beside it and the decision's score for drift monitoring, in one transaction.
    /// The caller's audited operation names the item.
    /// </summary>
    internal async Task<Guid> OpenAsync(AuditActor actor, ReviewKind kind, Purposes purpose, string reason, string modelVersion, Guid? claimed, IReadOnlyList<ReviewCandidate> candidates, byte[] probe, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        var id = Guid.NewGuid();
        var now = Now();
        await opened.Vault.SealAsync(
            id,
            ProbeKind,
            probe,
            async (transaction, token) =>
            {
                await using var command = transaction.Connection!.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO review_items (id, kind, purpose, reason, model_version, claimed_subject, candidates, probe_until_ms, created_by, created_ms, status)
                    VALUES (@id, @kind, @purpose, @reason, @model, @claimed, @candidates, @until, @by, @created, 'open');
                    """;
                command.AddParameter("@id", id);
                command.AddText("@kind", kind.ToCode());
                command.AddText("@purpose", purpose.ToCode());
                command.AddText("@reason", reason);
                command.AddText("@model", modelVersion);
                command.AddTyped("@claimed", System.Data.DbType.Guid, claimed);
                command.AddText("@candidates", EncodeCandidates(candidates));
                command.AddInt64("@until", (now + options.Value.ProbeRetention).ToUnixTimeMilliseconds());
                command.AddText("@by", actor.Id);
                command.AddInt64("@created", now.ToUnixTimeMilliseconds());
                await command.ExecuteNonQueryAsync(token);
                await scores.RecordReviewAsync(transaction, id, ScoreCodes.ContextOf(kind), modelVersion, ProposedScore(claimed, candidates), token);
            },
            cancellationToken);
        return id;
    }

    /// <summary>The oldest open item of <paramref name="kind"/> about <paramref name="claimed"/>, or null (a repeated request reuses it).</summary>
    internal async Task<Guid?> OpenItemAboutAsync(ReviewKind kind, Guid claimed, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM review_items WHERE status = 'open' AND kind = @kind AND claimed_subject = @claimed ORDER BY seq LIMIT 1;";
        command.AddText("@kind", kind.ToCode());
        command.AddParameter("@claimed", claimed);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetGuid(0) : null;
    }

    /// <summary>Items in <paramref name="status"/> (all when null), oldest first; ids and scores only.</summary>
    public async Task<IReadOnlyList<ReviewItem>> ListAsync(ReviewStatus? status = ReviewStatus.Open, CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = status is null
            ? $"SELECT {Columns} FROM review_items ORDER BY seq;"
            : $"SELECT {Columns} FROM review_items WHERE status = @status ORDER BY seq;";
        if (status is { } s)
        {
            command.AddText("@status", s.ToCode());
        }

        return await ReadAsync(command, cancellationToken);
    }

    public async Task<ReviewItem?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM review_items WHERE id = @id;";
        command.AddParameter("@id", id);
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>The item with its probe image (null once retention has shredded it); opening the evidence is audited.</summary>
    public async Task<(ReviewItem Item, byte[]? Probe)> ShowAsync(AuditActor actor, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var item = await RequireAsync(actor, "review.show", id, cancellationToken);
        var opened = await store.OpenAsync(cancellationToken);
        await using var operation = await AuditedOperation.BeginAsync(log, actor, "review.show", item.Purpose, item.Proposed?.ToString(), item.ModelVersion, $"review {id:N}", cancellationToken);
        var probe = (await opened.Vault.GetEvidenceAsync(id, cancellationToken)).Where(e => string.Equals(e.Kind, ProbeKind, StringComparison.Ordinal)).Select(e => e.Content).FirstOrDefault();
        await operation.SucceededAsync(probe is null ? $"review {id:N}; probe already deleted" : $"review {id:N}; probe shown");
        return (item, probe);
    }

    /// <summary>Records the reviewer's decision; <paramref name="chosen"/> names the person for <see cref="ReviewDecision.ChooseOther"/>.</summary>
    public async Task<ReviewItem> DecideAsync(AuditActor actor, Guid id, ReviewDecision decision, Guid? chosen = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        const string action = "review.decide";
        var item = await RequireAsync(actor, action, id, cancellationToken);
        Guid? person;
        ReviewStatus status;
        try
        {
            if (item.Status != ReviewStatus.Open)
            {
                throw new WorkflowRefusedException(RefusalCodes.AlreadyDecided, RefusalKind.BadInput, "This item has already been decided; a patient's disagreement is recorded as an appeal.");
            }

            (person, status) = decision switch
            {
                ReviewDecision.Confirm => (item.Proposed ?? throw new WorkflowRefusedException(RefusalCodes.UnknownCandidates, RefusalKind.BadInput, "The item proposes no one to confirm; reject it."), ReviewStatus.Confirmed),
                ReviewDecision.Reject => ((Guid?)null, ReviewStatus.Rejected),
                _ => (chosen is { } c && c != item.Proposed && item.Candidates.Any(x => x.SubjectId == c)
                    ? chosen
                    : throw new WorkflowRefusedException(RefusalCodes.UnknownCandidates, RefusalKind.BadInput, "Choose one of the item's other candidates."), ReviewStatus.Reassigned),
            };
        }
        catch (WorkflowRefusedException refusal)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, item.Purpose, refusal.Code, item.Proposed?.ToString(), item.ModelVersion);
            throw;
        }

        var opened = await store.OpenAsync(cancellationToken);
        var now = Now();
        await using var operation = await AuditedOperation.BeginAsync(log, actor, action, item.Purpose, (person ?? item.Proposed)?.ToString(), item.ModelVersion, $"review {id:N}; {status.ToCode()}", cancellationToken);
        await using (var connection = await opened.Database.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            // Only an open item changes: two reviewers deciding at once cannot both win.
            command.Transaction = transaction;
            command.CommandText = "UPDATE review_items SET status = @status, decided_by = @by, decided_ms = @now, chosen_subject = @chosen WHERE id = @id AND status = 'open';";
            command.AddText("@status", status.ToCode());
            command.AddText("@by", actor.Id);
            command.AddInt64("@now", now.ToUnixTimeMilliseconds());
            command.AddTyped("@chosen", System.Data.DbType.Guid, person);
            command.AddParameter("@id", id);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await operation.FailedAsync(RefusalCodes.AlreadyDecided);
                throw new WorkflowRefusedException(RefusalCodes.AlreadyDecided, RefusalKind.BadInput, "This item was decided by someone else a moment ago.");
            }

            await RecognitionScores.ReviewedAsync(transaction, id, status, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await operation.SucceededAsync($"review {id:N}; {status.ToCode()}");
        return item with { Status = status, DecidedBy = actor.Id, Decided = now, ChosenSubject = person };
    }

    /// <summary>Records a patient's appeal of a decision and its outcome (upheld or overturned).</summary>
    public async Task<ReviewItem> AppealAsync(AuditActor actor, Guid id, bool overturned, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        const string action = "review.appeal";
        var item = await RequireAsync(actor, action, id, cancellationToken);
        if (item.Status == ReviewStatus.Open)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, item.Purpose, RefusalCodes.BadInput, item.Proposed?.ToString());
            throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, "An open item has no decision to appeal yet.");
        }

        if (item.Appealed is not null)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, item.Purpose, RefusalCodes.AlreadyAppealed, item.Proposed?.ToString());
            throw new WorkflowRefusedException(RefusalCodes.AlreadyAppealed, RefusalKind.BadInput, "This decision has already been appealed; its outcome stands in the record.");
        }

        var outcome = overturned ? "overturned" : "upheld";
        var opened = await store.OpenAsync(cancellationToken);
        var now = Now();
        await using var operation = await AuditedOperation.BeginAsync(log, actor, action, item.Purpose, (item.ChosenSubject ?? item.Proposed)?.ToString(), item.ModelVersion, $"review {id:N}; {outcome}", cancellationToken);
        await using (var connection = await opened.Database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE review_items SET appeal_ms = @now, appeal_by = @by, appeal_outcome = @outcome WHERE id = @id AND appeal_ms IS NULL;";
            command.AddInt64("@now", now.ToUnixTimeMilliseconds());
            command.AddText("@by", actor.Id);
            command.AddText("@outcome", outcome);
            command.AddParameter("@id", id);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await operation.FailedAsync(RefusalCodes.AlreadyAppealed);
                throw new WorkflowRefusedException(RefusalCodes.AlreadyAppealed, RefusalKind.BadInput, "This decision was appealed by someone else a moment ago.");
            }
        }

        await operation.SucceededAsync($"review {id:N}; appeal {outcome}");
        return item with { Appealed = now, AppealBy = actor.Id, AppealOutcome = outcome };
    }

    /// <summary>Override rates per reviewer and per model version over every decided item.</summary>
    public async Task<OverrideReport> OverrideReportAsync(CancellationToken cancellationToken = default)
    {
        var decided = (await ListAsync(null, cancellationToken)).Where(i => i.Status != ReviewStatus.Open).ToList();
        static IReadOnlyList<OverrideRow> Rows(IEnumerable<IGrouping<string, ReviewItem>> groups) =>
            groups.Select(g => new OverrideRow(g.Key, g.Count(), g.Count(i => i.Status != ReviewStatus.Confirmed), g.Count(i => i.Appealed is not null)))
                .OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        return new OverrideReport(Rows(decided.GroupBy(i => i.DecidedBy!)), Rows(decided.GroupBy(i => i.ModelVersion)));
    }

    /// <summary>Items whose probe has reached its retention end, for the retention run.</summary>
    internal async Task<IReadOnlyList<Guid>> ProbesDueAsync(CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM review_items WHERE probe_until_ms IS NOT NULL AND probe_until_ms <= @now ORDER BY seq;";
        command.AddInt64("@now", Now().ToUnixTimeMilliseconds());
        return await command.ReadGuidsAsync(cancellationToken);
    }

    /// <summary>
    /// Items still holding a probe image of <paramref name="person"/> (the person the item proposes), which their
    /// withdrawal shreds. Identity-mismatch items are left: their probe shows whoever claimed to be the person, and is the
    /// evidence of that attempt (retention shreds it on time).
    /// </summary>
    internal async Task<IReadOnlyList<Guid>> ProbesOfAsync(Guid person, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM review_items WHERE probe_until_ms IS NOT NULL AND kind <> @mismatch ORDER BY seq;";
        command.AddText("@mismatch", ReviewKind.IdentityMismatch.ToCode());
        return (await ReadAsync(command, cancellationToken)).Where(i => i.Proposed == person).Select(i => i.Id).ToList();
    }

    /// <summary>Marks the item's probe as shredded.</summary>
    internal async Task ProbeDeletedAsync(Guid id, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE review_items SET probe_until_ms = NULL WHERE id = @id;";
        command.AddParameter("@id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<ReviewItem> RequireAsync(AuditActor actor, string action, Guid id, CancellationToken cancellationToken)
    {
        if (await GetAsync(id, cancellationToken) is { } item)
        {
            return item;
        }

        await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, RefusalCodes.UnknownReviewItem);
        throw new WorkflowRefusedException(RefusalCodes.UnknownReviewItem, RefusalKind.NotFound, "No review item has this id.");
    }

    /// <summary>The score of the candidate an item proposes: the claimed person's where listed, else the best one's.</summary>
    private static float? ProposedScore(Guid? claimed, IReadOnlyList<ReviewCandidate> candidates) =>
        candidates.FirstOrDefault(c => c.SubjectId == claimed)?.Score ?? (candidates.Count > 0 ? candidates[0].Score : null);

    private static string EncodeCandidates(IReadOnlyList<ReviewCandidate> candidates) =>
        string.Join(";", candidates.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.SubjectId:N}:{c.Score:0.0000}")));

    private static List<ReviewCandidate> DecodeCandidates(string text) =>
        text.Length == 0
            ? []
            : text.Split(';').Select(part => new ReviewCandidate(Guid.ParseExact(part[..32], "N"), float.Parse(part[33..], CultureInfo.InvariantCulture))).ToList();

    private static async Task<List<ReviewItem>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var items = new List<ReviewItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Codes this build wrote; a row another build wrote with a code unknown here reads as the first value, never throws.
            _ = PurposeCodes.TryParse(reader.GetString(2), out var purpose);
            _ = ReviewCodes.TryParse(reader.GetString(1), out ReviewKind kind);
            _ = ReviewCodes.TryParse(reader.GetString(10), out ReviewStatus status);
            items.Add(new ReviewItem(
                reader.GetGuid(0),
                kind,
                purpose,
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5),
                DecodeCandidates(reader.GetString(6)),
                Ms(reader.GetInt64(7)),
                reader.GetString(8),
                reader.IsDBNull(9) ? null : Ms(reader.GetInt64(9)),
                status,
                reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.IsDBNull(12) ? null : Ms(reader.GetInt64(12)),
                reader.IsDBNull(13) ? null : reader.GetGuid(13),
                reader.IsDBNull(14) ? null : Ms(reader.GetInt64(14)),
                reader.IsDBNull(15) ? null : reader.GetString(15),
                reader.IsDBNull(16) ? null : reader.GetString(16)));
        }

        return items;
    }

    private static DateTimeOffset Ms(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private DateTimeOffset Now() => Ms(time.GetUtcNow().ToUnixTimeMilliseconds());
}
