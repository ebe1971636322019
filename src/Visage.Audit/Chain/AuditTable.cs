using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>The SQL for audit_records and audit_checkpoints, written once for SQLite and PostgreSQL.</summary>
internal static class AuditTable
{
    public const string RecordColumns =
        "sequence, time_ms, actor, actor_role, action, purpose, subject, outcome, reason, model_version, correlation_id, client_address_hash, prev_hash, hash";

    public const string CheckpointColumns = "sequence, hash, record_count, time_ms, key_fingerprint, signature";

    /// <summary>
    /// Rows per INSERT statement. PostgreSQL: 50 rows (× 15 parameters, far below its limit) saves round trips.
    /// SQLite: one row, because Microsoft.Data.Sqlite looks each parameter up by name on every execution, so binding
    /// cost grows with the square of a statement's parameters (measured: 50 rows ≈ 30 µs per record, 1 row ≈ 9 µs).
    /// </summary>
    private const int PostgresRowsPerStatement = 50;
    private const int ParametersPerRow = 15;

    private static readonly string[] ParameterNames =
        [.. Enumerable.Range(0, PostgresRowsPerStatement * ParametersPerRow).Select(i => string.Create(CultureInfo.InvariantCulture, $"@p{i}"))];

    public static int RowsPerStatement(StorageProvider provider) => provider == StorageProvider.Postgres ? PostgresRowsPerStatement : 1;

    /// <summary>
    /// Inserts records in statements of <paramref name="rowsPerStatement"/> rows. <paramref name="reusable"/> holds the
    /// full-size statement across batches on the writer's connection, so it is parsed once rather than once per batch.
    /// </summary>
    public static async Task InsertRecordsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditRecord> records, int rowsPerStatement, StrongBox<DbCommand?> reusable, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rowsPerStatement, PostgresRowsPerStatement);
        for (var start = 0; start < records.Count; start += rowsPerStatement)
        {
            var rows = Math.Min(rowsPerStatement, records.Count - start);
            var full = rows == rowsPerStatement;
            var command = full ? reusable.Value ??= CreateInsert(connection, rows) : CreateInsert(connection, rows);
            try
            {
                command.Transaction = transaction;
                for (var i = 0; i < rows; i++)
                {
                    var r = records[start + i];
                    var p = command.Parameters;
                    var b = i * ParametersPerRow;
                    p[b].Value = r.Sequence;
                    p[b + 1].Value = AuditEncoding.RecordFormatVersion;
                    p[b + 2].Value = r.TimeUtc.ToUnixTimeMilliseconds();
                    p[b + 3].Value = r.Actor;
                    p[b + 4].Value = r.ActorRole;
                    p[b + 5].Value = r.Action;
                    p[b + 6].Value = r.Purpose;
                    p[b + 7].Value = (object?)r.Subject ?? DBNull.Value;
                    p[b + 8].Value = r.Outcome;
                    p[b + 9].Value = (object?)r.Reason ?? DBNull.Value;
                    p[b + 10].Value = (object?)r.ModelVersion ?? DBNull.Value;
                    p[b + 11].Value = r.CorrelationId;
                    p[b + 12].Value = (object?)r.ClientAddressHash ?? DBNull.Value;
                    p[b + 13].Value = r.PreviousHash;
                    p[b + 14].Value = r.Hash;
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                if (!full)
                {
                    await command.DisposeAsync();
                }
            }
        }
    }

    private static DbCommand CreateInsert(DbConnection connection, int rows)
    {
        var command = connection.CreateCommand();
        command.CommandText = InsertSql(rows);
        DbType[] types =
        [
            DbType.Int64, DbType.Int64, DbType.Int64, DbType.String, DbType.String, DbType.String, DbType.String, DbType.String,
            DbType.String, DbType.String, DbType.String, DbType.String, DbType.Binary, DbType.Binary, DbType.Binary,
        ];
        for (var i = 0; i < rows * ParametersPerRow; i++)
        {
            command.AddTyped(ParameterNames[i], types[i % ParametersPerRow], null);
        }

        return command;
    }

    public static async Task InsertCheckpointAsync(DbConnection connection, DbTransaction transaction, AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO audit_checkpoints (sequence, format_version, hash, record_count, time_ms, key_fingerprint, signature)
            VALUES (@sequence, @format, @hash, @count, @time, @fingerprint, @signature);
            """;
        command.AddInt64("@sequence", checkpoint.Sequence);
        command.AddInt64("@format", AuditEncoding.CheckpointFormatVersion);
        command.AddBytes("@hash", checkpoint.Hash);
        command.AddInt64("@count", checkpoint.RecordCount);
        command.AddInt64("@time", checkpoint.TimeUtc.ToUnixTimeMilliseconds());
        command.AddBytes("@fingerprint", checkpoint.KeyFingerprint);
        command.AddBytes("@signature", checkpoint.Signature);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The newest record, from which the chain continues, or null for an empty chain.</summary>
    /// <exception cref="AuditDataException">The newest row is damaged.</exception>
    public static async Task<AuditRecord?> ReadLastRecordAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RecordColumns} FROM audit_records ORDER BY sequence DESC LIMIT 1;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRecord(reader) : null;
    }

    /// <exception cref="AuditDataException">A checkpoint's sequence is not an integer.</exception>
    public static async Task<long> ReadLastCheckpointSequenceAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(sequence) FROM audit_checkpoints;";
        return await command.ExecuteScalarAsync(cancellationToken) switch
        {
            null or DBNull => 0,
            long sequence => sequence,
            _ => throw new AuditDataException("The audit_checkpoints table holds a sequence that is not an integer. Run visage audit verify."),
        };
    }

    /// <summary>Every checkpoint row that reads as one, plus what is wrong with each row that does not.</summary>
    public static async Task<(List<AuditCheckpoint> Checkpoints, List<AuditRowDamage> Damaged)> ReadCheckpointsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {CheckpointColumns} FROM audit_checkpoints ORDER BY sequence;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<AuditCheckpoint>();
        var damaged = new List<AuditRowDamage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (TryReadCheckpoint(reader, out var damage) is { } checkpoint)
            {
                checkpoints.Add(checkpoint);
            }
            else
            {
                damaged.Add(damage!);
            }
        }

        return (checkpoints, damaged);
    }

    /// <summary>The newest checkpoint that reads as one (the writer copies it into a new anchor file), or null.</summary>
    public static async Task<AuditCheckpoint?> ReadLastCheckpointAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {CheckpointColumns} FROM audit_checkpoints ORDER BY sequence DESC LIMIT 1;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? TryReadCheckpoint(reader, out _) : null;
    }

    /// <summary>
    /// The columns <paramref name="table"/> has, empty when it does not exist. Verify asks first, so a dropped table or
    /// column is reported as such rather than failing the query.
    /// </summary>
    public static async Task<HashSet<string>> ReadColumnNamesAsync(DbConnection connection, StorageProvider provider, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = provider == StorageProvider.Postgres
            ? "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table;"
            : "SELECT name FROM pragma_table_info(@table);";
        command.AddText("@table", table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Reads a row selected with <see cref="RecordColumns"/>.</summary>
    /// <exception cref="AuditDataException">The row is damaged (a column of the wrong type, NULL, a hash of the wrong length).</exception>
    public static AuditRecord ReadRecord(DbDataReader reader) =>
        TryReadRecord(reader, out var damage) ?? throw new AuditDataException(
            $"The audit record {(damage!.Sequence is { } s ? string.Create(CultureInfo.InvariantCulture, $"at sequence {s} ") : "")}is damaged ({damage.Problem}). Run visage audit verify.");

    /// <summary>
    /// Reads a row selected with <see cref="RecordColumns"/>, checking each value's type, since SQLite columns hold
    /// whatever was written to them: null and the first problem found when the row is not a record as the chain wrote it.
    /// </summary>
    public static AuditRecord? TryReadRecord(DbDataReader reader, out AuditRowDamage? damage)
    {
        var row = new RowReader(reader, RecordColumnNames);
        var record = new AuditRecord(
            row.Sequence(0),
            row.Time(1),
            row.Text(2)!,
            row.Text(3)!,
            row.Text(4)!,
            row.Text(5)!,
            row.Text(6, nullable: true),
            row.Text(7)!,
            row.Text(8, nullable: true),
            row.Text(9, nullable: true),
            row.Text(10)!,
            row.Bytes(11, nullable: true),
            row.Bytes(12, length: AuditEncoding.HashLength)!,
            row.Bytes(13, length: AuditEncoding.HashLength)!);
        damage = row.Damage;
        return damage is null ? record : null;
    }

    private static AuditCheckpoint? TryReadCheckpoint(DbDataReader reader, out AuditRowDamage? damage)
    {
        var row = new RowReader(reader, CheckpointColumnNames);
        var checkpoint = new AuditCheckpoint(
            row.Sequence(0), row.Bytes(1, length: AuditEncoding.HashLength)!, row.Int64(2), row.Time(3), row.Bytes(4, length: AuditEncoding.HashLength)!, row.Bytes(5)!);
        damage = row.Damage;
        return damage is null ? checkpoint : null;
    }

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static readonly string[] RecordColumnNames = RecordColumns.Split(", ");
    private static readonly string[] CheckpointColumnNames = CheckpointColumns.Split(", ");
    private static readonly long MinTimeMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxTimeMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>Reads one row's columns by actual value type; keeps the first problem (named by column, never by value).</summary>
    private sealed class RowReader(DbDataReader reader, string[] names)
    {
        private long? sequence;
        private string? problem;

        public AuditRowDamage? Damage => problem is null ? null : new AuditRowDamage(sequence, problem);

        public long Sequence(int i)
        {
            var value = Int64(i);
            sequence = problem is null ? value : null;
            return value;
        }

        public long Int64(int i)
        {
            switch (reader.GetValue(i))
            {
                case long value:
                    return value;
                case int value:
                    return value;
                case var other:
                    Fail(i, other is DBNull ? "is NULL" : "is not an integer");
                    return 0;
            }
        }

        public DateTimeOffset Time(int i)
        {
            var ms = Int64(i);
            if (ms < MinTimeMs || ms > MaxTimeMs)
            {
                Fail(i, "is not a time");
                return default;
            }

            return FromMs(ms);
        }

        public string? Text(int i, bool nullable = false)
        {
            switch (reader.GetValue(i))
            {
                case string value:
                    return value;
                case DBNull when nullable:
                    return null;
                case var other:
                    Fail(i, other is DBNull ? "is NULL" : "is not text");
                    return "";
            }
        }

        public byte[]? Bytes(int i, bool nullable = false, int? length = null)
        {
            switch (reader.GetValue(i))
            {
                case byte[] value when length is null || value.Length == length:
                    return value;
                case byte[]:
                    Fail(i, string.Create(CultureInfo.InvariantCulture, $"is not {length} bytes long"));
                    return new byte[length!.Value];
                case DBNull when nullable:
                    return null;
                case var other:
                    Fail(i, other is DBNull ? "is NULL" : "is not bytes");
                    return new byte[length ?? 0];
            }
        }

        private void Fail(int i, string what) => problem ??= $"{names[i]} {what}";
    }

    private static string InsertSql(int rows)
    {
        var sql = new StringBuilder("INSERT INTO audit_records (sequence, format_version, time_ms, actor, actor_role, action, purpose, subject, outcome, reason, model_version, correlation_id, client_address_hash, prev_hash, hash) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "(" : ", (");
            for (var c = 0; c < ParametersPerRow; c++)
            {
                sql.Append(c == 0 ? "" : ", ").Append(ParameterNames[i * ParametersPerRow + c]);
            }

            sql.Append(')');
        }

        return sql.Append(';').ToString();
    }
}
