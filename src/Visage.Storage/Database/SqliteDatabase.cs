using System.Data.Common;
using Microsoft.Data.Sqlite;
using Visage.Protection;

namespace Visage.Storage;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. Every connection turns on secure_delete, so a deleted
/// row's bytes are overwritten with zeros rather than left on a free page, and foreign keys.
/// </summary>
public sealed class SqliteDatabase : VisageDatabase
{
    private readonly string connectionString;
    private const int Corrupt = 11;
    private const int NotADatabase = 26;

    private volatile bool filesPrepared;

    public SqliteDatabase(string path)
    {
        FilePath = Path.GetFullPath(path);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string FilePath { get; }

    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override string Description => FilePath;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (!filesPrepared)
        {
            PrepareFiles();
        }

        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA synchronous=FULL;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is NotADatabase or Corrupt)
        {
            await connection.DisposeAsync();
            throw new StorageException($"{FilePath} is not a SQLite database or is damaged; restore it from a backup. Nothing was changed.", ex);
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync();
            throw new StorageException($"The database {FilePath} cannot be opened: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The folder 0700 and the database 0600 before SQLite first opens it: SQLite gives its -wal and -shm files the
    /// database file's mode, so all three stay the owner's whatever the umask. Files left wider by an older version
    /// are narrowed.
    /// </summary>
    private void PrepareFiles()
    {
        OwnerOnlyFiles.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        if (Directory.Exists(FilePath))
        {
            throw new StorageException($"The database path {FilePath} is a directory; Storage:DataDirectory must name the folder that holds visage.db.");
        }

        OwnerOnlyFiles.EnsureFile(FilePath);
        OwnerOnlyFiles.Restrict(FilePath + "-wal");
        OwnerOnlyFiles.Restrict(FilePath + "-shm");
        filesPrepared = true;
    }

    public override async ValueTask<DbConnection> OpenAppenderAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var pragmas = connection.CreateCommand();
        // No automatic checkpoint inside this connection's commits (see CheckpointAsync); a larger page cache keeps
        // the indexes' hot pages in memory across batches.
        pragmas.CommandText = "PRAGMA wal_autocheckpoint=0; PRAGMA cache_size=-65536;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public override Task<IAsyncDisposable> AcquireExclusiveRoleAsync(string role, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        var path = $"{FilePath}.{role}.lock";
        try
        {
            // .NET takes an advisory flock for FileShare.None on Unix; the kernel drops it when the process dies.
            IAsyncDisposable handle = OwnerOnlyFiles.OpenForWriting(path, FileMode.OpenOrCreate, FileShare.None, FileAccess.ReadWrite);
            return Task.FromResult(handle);
        }
        catch (IOException ex)
        {
            throw new ExclusiveRoleTakenException($"Another Visage process is already the {role} for {FilePath}; only one may be.", ex);
        }
    }

    public override async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task ScrubAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken = default)
    {
        // TRUNCATE copies committed pages back into the main file and empties the WAL, so the frames written
        // before the deletion (which still hold the deleted rows) are gone from disk. A reader in the middle of a
        // transaction blocks it; retry briefly before reporting.
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || reader.GetInt32(0) == 0)
            {
                return;
            }

            if (attempt == 5)
            {
                throw new StorageException(
                    "The deletion is committed and certified, but the SQLite WAL could not be truncated because another connection was reading; " +
                    "the deleted rows' old page images stay in the WAL until the next checkpoint. They are overwritten at the next truncating checkpoint (the next deletion makes one).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
        }
    }

    /// <summary>Copies the database, consistently, to <paramref name="destination"/> (used before a migration).</summary>
    public async Task BackupAsync(string destination, CancellationToken cancellationToken = default)
    {
        await using var source = (SqliteConnection)await OpenAsync(cancellationToken);
        OwnerOnlyFiles.EnsureFile(destination);
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ToString());
        await target.OpenAsync(cancellationToken);
        source.BackupDatabase(target);
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file (and its WAL) open; release them so the file can be moved or scrubbed. Only
        // this database's pool: clearing every pool would close other open databases' idle connections under them.
        using (var same = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(same);
        }

        return ValueTask.CompletedTask;
    }
}
