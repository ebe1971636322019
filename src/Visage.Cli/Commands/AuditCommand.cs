using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Visage.Audit;

namespace Visage.Cli.Commands;

/// <summary><c>visage audit verify</c>: recompute every hash and check every signed checkpoint of the audit chain.</summary>
internal static class AuditCommand
{
    public static Command Create(IServiceProvider services)
    {
        var verify = new Command("verify", "Check every record's hash and link and every checkpoint's signature; report the first break and its kind.");
        verify.SetAction((_, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            await using var store = await StoreOpener.OpenAsync(services, cancellationToken);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var result = await AuditVerifier.VerifyAsync(store.Database, store.Keys.ExportSigningPublicKey(), cancellationToken);
            started.Stop();
            var table = new Table().AddColumns("check", "result");
            table.AddRow("records checked", result.RecordsChecked.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("checkpoints checked", result.CheckpointsChecked.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("last sequence", result.LastSequence.ToString(CultureInfo.InvariantCulture));
            table.AddRow("last signed checkpoint", result.LastCheckpointedSequence?.ToString(CultureInfo.InvariantCulture) ?? "none");
            table.AddRow("records after it (not yet provable)", result.UncheckpointedRecords.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("time", $"{started.Elapsed.TotalSeconds:F1} s");
            table.AddRow(
                "status",
                result.IsIntact
                    ? "[green]intact[/]"
                    : $"[red]broken at sequence {result.FirstBrokenSequence}: {result.Break}[/]");
            AnsiConsole.Write(table);
            return result.IsIntact ? ExitCodes.Success : ExitCodes.AuditBroken;
        }));

        return new Command("audit", "Inspect the tamper-evident audit log.") { verify };
    }
}
