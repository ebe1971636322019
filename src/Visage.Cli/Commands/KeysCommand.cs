using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Visage.Storage;

namespace Visage.Cli.Commands;

/// <summary><c>visage keys status|rotate</c>: key versions in use, and re-wrapping every data key under a new version.</summary>
internal static class KeysCommand
{
    public static Command Create(IServiceProvider services)
    {
        var status = new Command("status", "Show the key provider's versions and how many stored keys each wraps.");
        status.SetAction((_, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            await using var store = await StoreOpener.OpenAsync(services, cancellationToken);
            var counts = await store.Store.CountWrappedKeysByVersionAsync(cancellationToken);
            var table = new Table().AddColumns("version", "current", "keys wrapped");
            foreach (var version in store.Keys.Versions)
            {
                table.AddRow(
                    version.ToString(CultureInfo.InvariantCulture),
                    version == store.Keys.CurrentVersion ? "yes" : string.Empty,
                    counts.GetValueOrDefault(version).ToString("N0", CultureInfo.InvariantCulture));
            }

            AnsiConsole.MarkupLineInterpolated($"key provider: [blue]{store.Keys.Name}[/], database: [blue]{store.Database.Description}[/]");
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }));

        var batchSize = StoreOpener.BatchSizeOption("Keys re-wrapped per transaction.");
        var rotate = new Command("rotate", "Create a new key version and re-wrap every data key under it, in batches; resumes an interrupted rotation.") { batchSize };
        rotate.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var size = parse.GetValue(batchSize);
            await using var store = await StoreOpener.OpenAsync(services, cancellationToken);
            RotationResult? result = null;
            await AnsiConsole.Progress().AutoClear(false).StartAsync(async context =>
            {
                var task = context.AddTask("re-wrapping data keys");
                var progress = new SynchronousProgress<RotationProgress>(p =>
                {
                    task.Description = $"re-wrapping data keys under version {p.TargetVersion}";
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                });
                result = await new KeyRotation(store.Store, store.Keys).RunAsync(size, progress, cancellationToken);
                task.Value = task.MaxValue;
            });

            AnsiConsole.MarkupLineInterpolated($"{(result!.Resumed ? "resumed an interrupted rotation: " : string.Empty)}{result.Rewrapped:N0} keys now wrapped under version {result.TargetVersion}");
            AnsiConsole.MarkupLineInterpolated($"retired versions: {(result.Retired.Count == 0 ? "none" : string.Join(", ", result.Retired))}");
            return ExitCodes.Success;
        }));

        return new Command("keys", "Manage key-encryption keys.") { status, rotate };
    }
}
