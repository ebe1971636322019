using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Audit;
using Visage.Gallery;
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
            var store = await services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync(cancellationToken);
            var actor = ActorOption.Resolve(parse);
            var audit = services.GetRequiredService<AuditLog>();
            await audit.OpenAsync(lockWait, cancellationToken);
            await using var operation = await AuditedOperation.BeginAsync(
                audit, actor, "templates.renew", Purposes.Operations, version: TransformVersion(store.Vault.TransformVersion), cancellationToken: cancellationToken);
            var total = await store.Store.CountAsync("templates", cancellationToken);
            RenewalResult? result = null;
            await AnsiConsole.Progress().AutoClear(false).StartAsync(async context =>
            {
                var task = context.AddTask("re-issuing templates", maxValue: Math.Max(1, total));
                result = await new TemplateRenewal(store.Vault) { LockWait = lockWait, Journal = new AuditedMaintenance(operation) }.RunAsync(size, new SynchronousProgress<long>(done => task.Value = done), cancellationToken);
                task.Value = task.MaxValue;
            });

            await operation.SucceededAsync(
                string.Create(CultureInfo.InvariantCulture, $"{result!.Reissued} templates re-issued{(result.Resumed ? " (resumed)" : string.Empty)}, {result.DestroyedTransformVersions.Count} transform keys destroyed"),
                TransformVersion(result.TransformVersion),
                cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"{(result.Resumed ? "resumed an interrupted renewal: " : string.Empty)}{result.Reissued:N0} templates re-issued under transform version {result.TransformVersion}");
            AnsiConsole.MarkupLineInterpolated($"destroyed transform keys: {(result.DestroyedTransformVersions.Count == 0 ? "none" : string.Join(", ", result.DestroyedTransformVersions))}");
            AnsiConsole.MarkupLine("verified: every template decrypts through a freshly opened vault");
            AnsiConsole.MarkupLine("[yellow]running nodes must reload their gallery[/]");
            return ExitCodes.Success;
        }));

        return new Command("templates", "Manage protected templates.") { renew };
    }

    private static string TransformVersion(int version) => string.Create(CultureInfo.InvariantCulture, $"transform-v{version}");
}
