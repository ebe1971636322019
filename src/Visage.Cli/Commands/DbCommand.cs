using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using System.Globalization;
using Spectre.Console;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Migrations;

namespace Visage.Cli.Commands;

/// <summary><c>visage db migrate</c>: bring the database to this build's schema (the server also does this at start), then record it.</summary>
internal static class DbCommand
{
    public static Command Create(IServiceProvider services)
    {
        var migrate = new Command("migrate", "Apply pending schema migrations; a SQLite file with data is backed up first. Audited once the audit log (part of the schema) exists.");
        migrate.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            options.ThrowIfInvalid();
            var actor = ActorOption.Resolve(parse);

            MigrationResult result;
            await using (var database = ProtectedStore.OpenDatabase(options))
            {
                AnsiConsole.MarkupLineInterpolated($"database: [blue]{database.Description}[/]");
                result = await new SchemaMigrator(database).MigrateAsync(cancellationToken);
            }

            // The backup is a full copy of the protected data: the record says one was made (its path is in the output).
            await AuditedOperation.RecordDoneAsync(
                services.GetRequiredService<AuditLog>(),
                actor,
                "db.migrate",
                Purposes.Operations,
                string.Create(CultureInfo.InvariantCulture, $"schema {result.FromVersion} -> {result.ToVersion}, {result.Applied.Count} applied, {(result.BackupPath is null ? "no backup" : "backup made")}"));
            if (result.Applied.Count == 0)
            {
                AnsiConsole.MarkupLineInterpolated($"schema is current (version {result.ToVersion})");
                return ExitCodes.Success;
            }

            if (result.BackupPath is not null)
            {
                AnsiConsole.MarkupLineInterpolated($"backup: [blue]{result.BackupPath}[/]");
            }

            foreach (var step in result.Applied)
            {
                AnsiConsole.MarkupLineInterpolated($"applied [green]{step}[/]");
            }

            AnsiConsole.MarkupLineInterpolated($"schema version {result.FromVersion} -> {result.ToVersion}");
            return ExitCodes.Success;
        }));

        return new Command("db", "Manage the database.") { migrate };
    }
}
