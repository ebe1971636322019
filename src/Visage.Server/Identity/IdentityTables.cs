using System.Data.Common;
using Visage.Storage;

namespace Visage.Server.Identity;

/// <summary>The identity tables' connection: one opened per call, on the store's database (SQLite or PostgreSQL).</summary>
internal sealed class IdentityTables(ProtectedStoreLifetime store)
{
    public async Task<ProtectedStore> StoreAsync(CancellationToken cancellationToken) => await store.OpenAsync(cancellationToken);

    public async Task<int> ExecuteAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public static long? NullableInt64(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static IReadOnlyList<string> RolesOf(string stored) => stored.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
