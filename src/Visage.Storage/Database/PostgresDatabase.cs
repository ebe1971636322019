using System.Data.Common;
using Npgsql;

namespace Visage.Storage;

/// <summary>PostgreSQL through Npgsql, for hospitals that run several nodes against one database.</summary>
public sealed class PostgresDatabase : VisageDatabase
{
    private readonly NpgsqlDataSource dataSource;

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Description = $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
        dataSource = NpgsqlDataSource.Create(builder);
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    public override string Description { get; }

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

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

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
