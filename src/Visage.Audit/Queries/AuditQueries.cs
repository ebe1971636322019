using Visage.Storage;

namespace Visage.Audit;

/// <summary>One page of records in sequence order; pass <see cref="NextAfter"/> back to get the next page (null: no more).</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, long? NextAfter);

/// <summary>
/// Reads the chain by subject (the basis of an accounting of disclosures), actor, action or time range. Pages
/// use a sequence cursor, not an offset, so a page stays stable while records are appended.
/// </summary>
public sealed class AuditQueries(VisageDatabase database)
{
    public const int MaxPageSize = 1000;

    public Task<AuditPage> BySubjectAsync(string subject, long afterSequence = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        QueryAsync("subject = @value", subject, null, afterSequence, limit, cancellationToken);

    public Task<AuditPage> ByActorAsync(string actor, long afterSequence = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        QueryAsync("actor = @value", actor, null, afterSequence, limit, cancellationToken);

    public Task<AuditPage> ByActionAsync(string action, long afterSequence = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        QueryAsync("action = @value", action, null, afterSequence, limit, cancellationToken);

    /// <summary>Records with <paramref name="from"/> ≤ time &lt; <paramref name="to"/>.</summary>
    public Task<AuditPage> ByTimeRangeAsync(DateTimeOffset from, DateTimeOffset to, long afterSequence = 0, int limit = 100, CancellationToken cancellationToken = default) =>
        QueryAsync("time_ms >= @from AND time_ms < @to", null, (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()), afterSequence, limit, cancellationToken);

    private async Task<AuditPage> QueryAsync(string condition, string? value, (long From, long To)? range, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Conditions are our own constants; values are always parameters. One extra row tells whether another page exists.
        command.CommandText = $"SELECT {AuditTable.RecordColumns} FROM audit_records WHERE {condition} AND sequence > @after ORDER BY sequence LIMIT @limit;";
        if (value is not null)
        {
            command.AddText("@value", value);
        }

        if (range is { } r)
        {
            command.AddInt64("@from", r.From);
            command.AddInt64("@to", r.To);
        }

        command.AddInt64("@after", afterSequence);
        command.AddInt64("@limit", limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<AuditRecord>(limit);
        var more = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (records.Count == limit)
            {
                more = true;
                break;
            }

            records.Add(AuditTable.ReadRecord(reader));
        }

        return new AuditPage(records, more ? records[^1].Sequence : null);
    }
}
