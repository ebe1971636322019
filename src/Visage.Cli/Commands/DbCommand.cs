using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Visage.Storage;
using Visage.Storage.Migrations;

namespace Visage.Cli.Commands;

/// <summary><c>visage db migrate</c>: bring the database to this build's schema (the server also does this at start).</summary>
internal static class DbCommand
{
    public static Command Create(IServiceProvider services)
    {
        var migrate = new Command("migrate", "Apply pending schema migrations; a SQLite file with data is backed up first.");
        migrate.SetAction((_, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            options.ThrowIfInvalid();

            await using var database = ProtectedStore.OpenDatabase(options);
            AnsiConsole.MarkupLineInterpolated($"database: [blue]{database.Description}[/]");
            var result = await new SchemaMigrator(database).MigrateAsync(cancellationToken);
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
