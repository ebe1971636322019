using System.Data.Common;

namespace Visage.Storage;

/// <summary>
/// Opens connections to one Visage database. The SQL the stores run is written once, in the subset that
/// SQLite and PostgreSQL both accept (named @parameters, BIGINT times in Unix milliseconds, uuid/BLOB
/// columns bound as Guid/byte[]); only the schema migrations differ per provider.
/// </summary>
public abstract class VisageDatabase : IAsyncDisposable
{
    public abstract StorageProvider Provider { get; }

    /// <summary>Where the data lives, without secrets: a file path or host/port/database.</summary>
    public abstract string Description { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A connection for a single high-rate appender (the audit chain's writer loop). On SQLite it leaves WAL
    /// checkpoints to <see cref="CheckpointAsync"/>, so copying pages into the main file never lands inside one
    /// of its commits; the caller must then call <see cref="CheckpointAsync"/> from elsewhere as the WAL grows.
    /// </summary>
    public virtual ValueTask<DbConnection> OpenAppenderAsync(CancellationToken cancellationToken = default) => OpenAsync(cancellationToken);

    /// <summary>
    /// Takes the database-wide lock that lets exactly one process act as <paramref name="role"/> (e.g. the audit
    /// chain's writer), held until the returned handle is disposed or the process dies; throws
    /// <see cref="StorageException"/> when another process holds it. PostgreSQL: a session advisory lock, so nodes on
    /// other machines are excluded too; SQLite: an exclusive lock on a file beside the database.
    /// </summary>
    public abstract Task<IAsyncDisposable> AcquireExclusiveRoleAsync(string role, CancellationToken cancellationToken = default);

    /// <summary>Copies committed WAL pages into the main file without blocking writers (SQLite); nothing to do on PostgreSQL.</summary>
    public virtual Task CheckpointAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>
    /// Makes freed space unreadable after a deletion: for SQLite, checkpoints and truncates the WAL (secure_delete
    /// has already zeroed the freed cells); for PostgreSQL, vacuums the named tables.
    /// </summary>
    public abstract Task ScrubAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken = default);

    public abstract ValueTask DisposeAsync();
}
