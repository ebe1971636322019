using System.Data.Common;
using System.Globalization;

namespace Visage.Storage.Migrations;

/// <summary>What <see cref="SchemaMigrator.MigrateAsync"/> did.</summary>
public sealed record MigrationResult(int FromVersion, int ToVersion, IReadOnlyList<string> Applied, string? BackupPath);

/// <summary>
/// Brings a database to the newest schema this build knows. Each step runs in its own transaction together
/// with its row in schema_migrations, so a crash leaves the database at a whole version. A SQLite file that
/// already holds data is copied aside first; a database newer than this build is refused, never downgraded.
/// </summary>
public sealed class SchemaMigrator(VisageDatabase database)
{
    internal SchemaMigrator(VisageDatabase database, IReadOnlyList<Migration> migrations)
        : this(database)
    {
        this.migrations = migrations;
    }

    private readonly IReadOnlyList<Migration> migrations = SchemaHistory.All;

    public int LatestVersion => migrations[^1].Version;

    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await CurrentVersionAsync(connection, cancellationToken);
    }

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        int from;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL);", cancellationToken);
            from = await CurrentVersionAsync(connection, cancellationToken);
        }

        if (from > LatestVersion)
        {
            throw new StorageException(
                $"The database at {database.Description} is at schema version {from}, newer than this build of Visage knows ({LatestVersion}). " +
                "Run the newer Visage version, or restore a backup made before it migrated.");
        }

        var pending = migrations.Where(m => m.Version > from).ToList();
        if (pending.Count == 0)
        {
            return new MigrationResult(from, from, [], null);
        }

        string? backup = null;
        if (from > 0 && database is SqliteDatabase sqlite)
        {
            backup = $"{sqlite.FilePath}.v{from}-{DateTime.UtcNow.ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture)}.bak";
            await sqlite.BackupAsync(backup, cancellationToken);
        }

        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            foreach (var migration in pending)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, transaction, migration.SqlFor(database.Provider), cancellationToken);
                await using var record = connection.CreateCommand();
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (@version, @name, @applied);";
                record.AddParameter("@version", migration.Version);
                record.AddParameter("@name", migration.Name);
                record.AddParameter("@applied", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }

        return new MigrationResult(from, pending[^1].Version, [.. pending.Select(m => $"{m.Version}: {m.Name}")], backup);
    }

    private static async Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = connection is Microsoft.Data.Sqlite.SqliteConnection
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations';"
            : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations';";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
