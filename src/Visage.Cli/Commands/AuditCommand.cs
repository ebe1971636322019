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
        var anchors = new Option<FileInfo?>("--anchors")
        {
            Description = "A checkpoint anchor file kept outside the database; the chain must satisfy every signed checkpoint in it (finds a tail deleted with its checkpoints).",
        };
        var verify = new Command("verify", "Check every record's hash and link and every checkpoint's signature; report the first break and its kind.") { anchors };
        verify.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            IReadOnlyList<AuditCheckpoint> anchored = [];
            if (parse.GetValue(anchors) is { } file)
            {
                try
                {
                    anchored = CheckpointAnchorFile.Read(file.FullName);
                }
                catch (FormatException ex)
                {
                    // Only Visage writes the file: a malformed line means it was edited, which is itself a finding.
                    await Console.Error.WriteLineAsync($"error: {ex.Message}");
                    return ExitCodes.AuditBroken;
                }
            }

            await using var store = await StoreOpener.OpenAsync(services, cancellationToken);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var result = await AuditVerifier.VerifyAsync(store.Database, store.Keys.ExportSigningPublicKey(), anchored, cancellationToken);
            started.Stop();
            var table = new Table().AddColumns("check", "result");
            table.AddRow("records checked", result.RecordsChecked.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("checkpoints checked", result.CheckpointsChecked.ToString("N0", CultureInfo.InvariantCulture));
            table.AddRow("anchors from outside the database", anchored.Count.ToString("N0", CultureInfo.InvariantCulture));
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

        var subject = new Argument<string>("subject") { Description = "The subject's opaque id." };
        var format = new Option<string>("--format") { Description = "table, fhir (R4 AuditEvent Bundle JSON) or syslog (RFC 5424 lines).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "fhir", "syslog");
        var disclosures = new Command("disclosures", "Every audit record about one subject (the basis of an accounting of disclosures).") { subject, format };
        disclosures.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            await using var store = await StoreOpener.OpenAsync(services, cancellationToken);
            var queries = new AuditQueries(store.Database);
            var records = new List<AuditRecord>();
            long? after = 0;
            while (after is not null)
            {
                var page = await queries.BySubjectAsync(parse.GetValue(subject)!, after.Value, AuditQueries.MaxPageSize, cancellationToken);
                records.AddRange(page.Records);
                after = page.NextAfter;
            }

            switch (parse.GetValue(format))
            {
                case "fhir":
                    Console.WriteLine(new AuditEventBundleExporter().ToJson(records, pretty: true));
                    break;
                case "syslog":
                    foreach (var line in new SyslogFormatter().Format(records))
                    {
                        Console.WriteLine(line);
                    }

                    break;
                default:
                    var table = new Table().AddColumns("seq", "time (UTC)", "actor", "role", "action", "purpose", "outcome");
                    foreach (var r in records)
                    {
                        table.AddRow(
                            r.Sequence.ToString(CultureInfo.InvariantCulture),
                            r.TimeUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                            Markup.Escape(r.Actor),
                            Markup.Escape(r.ActorRole),
                            Markup.Escape(r.Action),
                            Markup.Escape(r.Purpose),
                            Markup.Escape(r.Outcome));
                    }

                    AnsiConsole.Write(table);
                    AnsiConsole.MarkupLineInterpolated($"{records.Count:N0} records");
                    break;
            }

            return ExitCodes.Success;
        }));

        return new Command("audit", "Inspect the tamper-evident audit log.") { verify, disclosures };
    }
}
