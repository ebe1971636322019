using System.Data;
using System.Data.Common;
using Visage.Storage;
using Visage.Workflows.Review;

namespace Visage.Workflows.Drift;

/// <summary>
/// One live recognition decision as drift monitoring sees it: when (to the hour), where, with which model, the score of
/// the candidate the system proposed (null when nothing scored above the search floor), what the system decided on its
/// own and, once a reviewer has decided the item, what they found.
/// </summary>
public sealed record RecognitionScore(DateTimeOffset Hour, ScoreContext Context, string ModelVersion, float? Score, AutomaticOutcome Outcome, ReviewStatus? ReviewOutcome = null)
{
    /// <summary>
    /// True when the proposed candidate was the person: a reviewer confirmed it, or the system accepted it and no one
    /// said otherwise (presumed); false when a reviewer chose another candidate or none; null when no one knows.
    /// </summary>
    public bool? Genuine => ReviewOutcome switch
    {
        ReviewStatus.Confirmed => true,
        ReviewStatus.Reassigned or ReviewStatus.Rejected => false,
        _ => Outcome == AutomaticOutcome.Accepted ? true : null,
    };

    /// <summary>A reviewer has decided the item.</summary>
    public bool Decided => ReviewOutcome is ReviewStatus.Confirmed or ReviewStatus.Reassigned or ReviewStatus.Rejected;

    /// <summary>The reviewer disagreed with the candidate the system proposed.</summary>
    public bool Overridden => ReviewOutcome is ReviewStatus.Reassigned or ReviewStatus.Rejected;
}

/// <summary>
/// The scores of live recognition decisions (table <c>recognition_scores</c>), kept for drift monitoring. Operational
/// telemetry, not a record about a person: no subject id, no probe, the time to the hour only — an hour-coarse time does
/// not single out one check-in in the audit trail, and drift is judged over days. A row is written on the decision's
/// own path (a review item's in its transaction); a failed write fails the decision, as a failed audit record would.
/// </summary>
public sealed class RecognitionScores(ProtectedStoreLifetime store, TimeProvider time)
{
    private const string Columns = "hour_ms, context, model_version, score, outcome, review_outcome";

    /// <summary>A decision no reviewer will see (accepted, desk, failed), written now.</summary>
    internal async Task RecordAsync(ScoreContext context, string modelVersion, float? score, AutomaticOutcome outcome, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await InsertAsync(connection, null, new RecognitionScore(HourOf(time.GetUtcNow()), context, modelVersion, score, outcome), null, cancellationToken);
    }

    /// <summary>A decision queued for review, in the transaction that queues the item; its outcome follows the item's decision.</summary>
    internal Task RecordReviewAsync(DbTransaction transaction, Guid reviewId, ScoreContext context, string modelVersion, float? score, CancellationToken cancellationToken) =>
        InsertAsync(transaction.Connection!, transaction, new RecognitionScore(HourOf(time.GetUtcNow()), context, modelVersion, score, AutomaticOutcome.Review), reviewId, cancellationToken);

    /// <summary>Writes the reviewer's outcome, in the transaction that decides the item, and drops the link to the item.</summary>
    internal static async Task ReviewedAsync(DbTransaction transaction, Guid reviewId, ReviewStatus outcome, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE recognition_scores SET review_outcome = @outcome, review_id = NULL WHERE review_id = @review;";
        command.AddText("@outcome", outcome.ToCode());
        command.AddParameter("@review", reviewId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A row as given (tests shape distributions with it); live decisions go through the methods above.</summary>
    internal async Task AddAsync(RecognitionScore score, CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await InsertAsync(connection, null, score, null, cancellationToken);
    }

    /// <summary>Rows from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), oldest first.</summary>
    internal async Task<IReadOnlyList<RecognitionScore>> BetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM recognition_scores WHERE hour_ms >= @from AND hour_ms < @to ORDER BY seq;";
        command.AddInt64("@from", from.ToUnixTimeMilliseconds());
        command.AddInt64("@to", to.ToUnixTimeMilliseconds());
        var rows = new List<RecognitionScore>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // A code this build does not know (written by a newer one) is left out rather than guessed.
            if (!ScoreCodes.TryParse(reader.GetString(1), out ScoreContext context) || !ScoreCodes.TryParse(reader.GetString(4), out AutomaticOutcome outcome))
            {
                continue;
            }

            ReviewStatus? reviewed = !reader.IsDBNull(5) && ReviewCodes.TryParse(reader.GetString(5), out ReviewStatus status) ? status : null;
            rows.Add(new RecognitionScore(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                context,
                reader.GetString(2),
                reader.IsDBNull(3) ? null : (float)reader.GetDouble(3),
                outcome,
                reviewed));
        }

        return rows;
    }

    private static async Task InsertAsync(DbConnection connection, DbTransaction? transaction, RecognitionScore score, Guid? reviewId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO recognition_scores (hour_ms, context, model_version, score, outcome, review_id, review_outcome) VALUES (@hour, @context, @model, @score, @outcome, @review, @reviewed);";
        command.AddInt64("@hour", score.Hour.ToUnixTimeMilliseconds());
        command.AddText("@context", score.Context.ToCode());
        command.AddText("@model", score.ModelVersion);
        command.AddTyped("@score", DbType.Double, score.Score is { } s ? (double)s : null);
        command.AddText("@outcome", score.Outcome.ToCode());
        command.AddTyped("@review", DbType.Guid, reviewId);
        command.AddText("@reviewed", score.ReviewOutcome?.ToCode());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The start of the hour <paramref name="time"/> falls in: the only time a row keeps.</summary>
    internal static DateTimeOffset HourOf(DateTimeOffset time)
    {
        var ms = time.ToUnixTimeMilliseconds();
        return DateTimeOffset.FromUnixTimeMilliseconds(ms - (ms % 3_600_000));
    }
}
