using System.Data;
using System.Data.Common;

namespace Visage.Storage;

/// <summary>Parameter binding shared by every store that writes SQL for both SQLite and PostgreSQL.</summary>
public static class DbCommandExtensions
{
    public static void AddParameter(this DbCommand command, string name, object value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>A typed parameter; null becomes DBNull. Typed, because an untyped NULL in a multi-row VALUES list makes PostgreSQL guess text for a bytea column.</summary>
    public static void AddTyped(this DbCommand command, string name, DbType type, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    public static void AddInt64(this DbCommand command, string name, long value) => command.AddTyped(name, DbType.Int64, value);

    public static void AddText(this DbCommand command, string name, string? value) => command.AddTyped(name, DbType.String, value);

    public static void AddBytes(this DbCommand command, string name, byte[]? value) => command.AddTyped(name, DbType.Binary, value);

    /// <summary>The first column of every row, as ids.</summary>
    public static async Task<List<Guid>> ReadGuidsAsync(this DbCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
