using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Audit;
using Visage.Storage;

namespace Visage.Cli.Commands;

/// <summary><c>visage templates renew</c>: cancel every template by re-issuing it under a new transform key.</summary>
internal static class TemplatesCommand
{
    public static Command Create(IServiceProvider services)
    {
        var batchSize = BatchSizeOption.Create("Templates re-issued per transaction.");
        var wait = MaintenanceWaitOption.Create();
        var renew = new Command("renew", "Make a new transform key, re-issue every template under it and destroy the old key; resumes an interrupted renewal. One key maintenance per store at a time.") { batchSize, wait };
        renew.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var size = parse.GetValue(batchSize);
            var lockWait = TimeSpan.FromSeconds(parse.GetValue(wait));
            var actor = ActorOption.Resolve(parse);
            var store = await services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync(cancellationToken);
            var total = await store.Store.CountAsync("templates", cancellationToken);
            RenewalResult? result = null;
            await AnsiConsole.Progress().AutoClear(false).StartAsync(async context =>
            {
                var task = context.AddTask("re-issuing templates", maxValue: Math.Max(1, total));
                result = await services.GetRequiredService<AuditedKeyMaintenance>().RenewAsync(actor, size, lockWait, new SynchronousProgress<long>(done => task.Value = done), cancellationToken);
                task.Value = task.MaxValue;
            });

            AnsiConsole.MarkupLineInterpolated($"{(result!.Resumed ? "resumed an interrupted renewal: " : string.Empty)}{result.Reissued:N0} templates re-issued under transform version {result.TransformVersion}");
            AnsiConsole.MarkupLineInterpolated($"destroyed transform keys: {(result.DestroyedTransformVersions.Count == 0 ? "none" : string.Join(", ", result.DestroyedTransformVersions))}");
            AnsiConsole.MarkupLine("verified: every template decrypts through a freshly opened vault");
            AnsiConsole.MarkupLine("[yellow]running nodes must reload their gallery[/]");
            return ExitCodes.Success;
        }));

        return new Command("templates", "Manage protected templates.") { renew };
    }

}
