using System.Data.Common;
using Npgsql;

namespace Visage.Storage;

/// <summary>PostgreSQL through Npgsql, for hospitals that run several nodes against one database.</summary>
public sealed class PostgresDatabase : VisageDatabase
{
    private readonly NpgsqlDataSource dataSource;

    public PostgresDatabase(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The message may quote a value (a password among them): name the setting, not the text.
            throw new StorageException("Storage:Postgres is not a valid Npgsql connection string (Host=...;Port=...;Database=...;Username=...); check its keywords and values.", ex);
        }

        Description = $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
        dataSource = NpgsqlDataSource.Create(builder);
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    public override string Description { get; }

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            throw new StorageException($"PostgreSQL at {Description} refused the connection ({ex.SqlState}: {ex.MessageText}).", ex);
        }
        catch (NpgsqlException ex)
        {
            throw new StorageException($"PostgreSQL at {Description} cannot be reached ({(ex.InnerException ?? ex).Message}); check Storage:Postgres and that the server is running.", ex);
        }
    }

    public override async Task ScrubAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            // Table names come from our own constants, never from input.
            command.CommandText = $"VACUUM {table};";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public override async Task<IAsyncDisposable> AcquireExclusiveRoleAsync(string role, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT pg_try_advisory_lock(hashtextextended(@role, 0));";
            command.AddText("@role", "visage." + role);
            if (await command.ExecuteScalarAsync(cancellationToken) is not true)
            {
                throw new ExclusiveRoleTakenException($"Another Visage process is already the {role} for {Description}; only one may be.");
            }

            // The lock lives as long as this session (a dying process ends it); pooled connections outlive Dispose, so unlock first.
            return new AdvisoryLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private sealed class AdvisoryLock(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT pg_advisory_unlock_all();";
                await command.ExecuteNonQueryAsync();
            }
            catch (DbException)
            {
                // The session is gone, and its locks with it.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
