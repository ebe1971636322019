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
    /// Makes freed space unreadable after a deletion: for SQLite, checkpoints and truncates the WAL (secure_delete
    /// has already zeroed the freed cells); for PostgreSQL, vacuums the named tables.
    /// </summary>
    public abstract Task ScrubAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken = default);

    public abstract ValueTask DisposeAsync();
}
