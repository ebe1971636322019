using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Visage.Audit;
using Visage.Storage;

namespace Visage.Cli.Commands;

/// <summary><c>visage audit verify</c>: recompute every hash and check every signed checkpoint of the audit chain, against the anchor file kept outside the database; <c>visage audit disclosures</c>.</summary>
internal static class AuditCommand
{
    public static Command Create(IServiceProvider services)
    {
        var anchors = new Option<FileInfo?>("--anchors")
        {
            Description = "Another copy of the checkpoint anchor file (e.g. the one kept off this machine); checked as well as the store's own anchor file, which is always used when it exists.",
        };
        var publicKey = PublicKeyFile.Option("Check signatures with this PEM public key (-----BEGIN PUBLIC KEY-----, as visage keys export-public writes it) instead of the key provider: no private key is opened.");
        var verify = new Command("verify", "Check every record's hash and link and every checkpoint's signature, against the anchor file too; report the first break and its kind (exit 10).") { anchors, publicKey };
        verify.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() => VerifyAsync(services, parse.GetValue(anchors), parse.GetValue(publicKey), cancellationToken)));

        var subject = SubjectIdArgument.Create();
        var format = new Option<string>("--format") { Description = "table, fhir (R4 AuditEvent Bundle JSON) or syslog (RFC 5424 lines).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "fhir", "syslog");
        var disclosures = new Command("disclosures", "Every audit record about one subject (the basis of an accounting of disclosures); the export is itself audited.") { subject, format };
        disclosures.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var chosen = parse.GetValue(format)!;
            var records = await services.GetRequiredService<AuditedDisclosures>().ForSubjectAsync(ActorOption.Resolve(parse), parse.GetValue(subject), chosen, cancellationToken);
            switch (chosen)
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
                    var table = new Table().AddColumns("seq", "time (UTC)", "actor", "role", "action", "purpose", "outcome", "reason", "model/key");
                    foreach (var r in records)
                    {
                        table.AddRow(
                            r.Sequence.ToString(CultureInfo.InvariantCulture),
                            r.TimeUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                            Markup.Escape(r.Actor),
                            Markup.Escape(r.ActorRole),
                            Markup.Escape(r.Action),
                            Markup.Escape(r.Purpose),
                            Markup.Escape(r.Outcome),
                            Markup.Escape(r.Reason ?? string.Empty),
                            Markup.Escape(r.ModelVersion ?? string.Empty));
                    }

                    AnsiConsole.Write(table);
                    AnsiConsole.MarkupLineInterpolated($"{records.Count:N0} records");
                    break;
            }

            return ExitCodes.Success;
        }));

        return new Command("audit", "Inspect the tamper-evident audit log.") { verify, disclosures };
    }

    private static async Task<int> VerifyAsync(IServiceProvider services, FileInfo? extraAnchors, FileInfo? publicKeyFile, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var audit = services.GetRequiredService<IOptions<AuditChainOptions>>().Value;
        var pinnedKey = await PublicKeyFile.ReadAsync(publicKeyFile, cancellationToken);

        try
        {
            // With a public key the key provider is never opened (nor created): the database alone, read as it is. The
            // audit chain is not opened either: verify reads, and a running server may hold the one writer.
            ProtectedStore? store = null;
            VisageDatabase? database = null;
            try
            {
                if (pinnedKey is null)
                {
                    store = await services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync(cancellationToken);
                }
                else
                {
                    storage.ThrowIfInvalid();
                    database = ProtectedStore.OpenDatabase(storage);
                    if (database is SqliteDatabase sqlite && !File.Exists(sqlite.FilePath))
                    {
                        Fail($"There is no database at {sqlite.FilePath}; set Storage:DataDirectory to the store to verify.");
                        return ExitCodes.Storage;
                    }
                }

                return await VerifyAsync(store?.Database ?? database!, pinnedKey ?? store!.Keys.ExportSigningPublicKey(), publicKeyFile, AnchorFiles(storage, audit, store?.Database ?? database!, extraAnchors), audit.CheckpointEveryRecords, cancellationToken);
            }
            finally
            {
                if (database is not null)
                {
                    await database.DisposeAsync();
                }
            }
        }
        catch (CheckpointAnchorFileException ex)
        {
            // Only Visage writes anchor files: a malformed one was edited or is not one, which is itself a finding.
            Fail($"{ex.Message} Verification refused: nothing was checked against it.");
            return ExitCodes.AuditBroken;
        }
        catch (DbException ex)
        {
            Fail($"The database could not be read: {ex.Message}");
            return ExitCodes.Storage;
        }
    }

    private static async Task<int> VerifyAsync(VisageDatabase database, byte[] key, FileInfo? publicKeyFile, List<AnchorSource> sources, int cadence, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await AuditVerifier.VerifyAsync(database, key, [.. sources.SelectMany(s => s.Checkpoints)], cadence, cancellationToken);
        started.Stop();

        // An anchor file is written after every checkpoint (and seeded when created), so one with none while the
        // database holds some was emptied or replaced; with none in the database either, no checkpoint was signed yet.
        if (sources.Find(s => s.Checkpoints is [] && s.Exists) is { } empty && result.StoredCheckpoints > 0)
        {
            Fail($"The checkpoint anchor file {empty.Path} holds no checkpoint, but the database holds {result.StoredCheckpoints}: it was emptied or replaced, or belongs to another store. Verification refused.");
            return ExitCodes.AuditBroken;
        }

        var table = new Table().AddColumns("check", "result");
        table.AddRow("records checked", result.RecordsChecked.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("checkpoints in the database", result.StoredCheckpoints.ToString("N0", CultureInfo.InvariantCulture));
        foreach (var source in sources)
        {
            table.AddRow(
                source.Label,
                Markup.Escape(source.Exists
                    ? $"{source.Checkpoints.Count:N0} checkpoints in {source.Path}"
                    : $"none at {source.Path}: a tail deleted together with its checkpoints cannot be detected without one"));
        }

        table.AddRow("signatures checked with", Markup.Escape(publicKeyFile is null ? "the key provider's signing key" : $"the public key in {publicKeyFile.FullName}"));
        table.AddRow("last sequence", result.LastSequence.ToString(CultureInfo.InvariantCulture));
        table.AddRow("last signed checkpoint", result.LastCheckpointedSequence?.ToString(CultureInfo.InvariantCulture) ?? "none");
        table.AddRow("records after it (not yet provable)", Math.Max(0, result.UncheckpointedRecords).ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("time", $"{started.Elapsed.TotalSeconds:F1} s");
        var where = result.FirstBrokenSequence is { } sequence ? $"broken at sequence {sequence}" : "broken";
        table.AddRow("status", result.IsIntact ? "[green]intact[/]" : $"[red]{Markup.Escape($"{where}: {result.Break} ({result.Detail})")}[/]");
        AnsiConsole.Write(table);
        return result.IsIntact ? ExitCodes.Success : ExitCodes.AuditBroken;
    }

    /// <summary>The store's own anchor file (configured, or beside the store), read when it exists, and the one given with --anchors, which must.</summary>
    private static List<AnchorSource> AnchorFiles(StorageOptions storage, AuditChainOptions audit, VisageDatabase database, FileInfo? extra)
    {
        var own = audit.AnchorFile is { Length: > 0 } configured ? Path.GetFullPath(configured) : CheckpointAnchorLocation.For(database, storage.ResolveDataDirectory());
        List<AnchorSource> sources = [File.Exists(own) ? new("anchor file", own, true, CheckpointAnchorFile.Read(own)) : new("anchor file", own, false, [])];
        if (extra is not null)
        {
            sources.Add(new("--anchors", extra.FullName, true, CheckpointAnchorFile.Read(extra.FullName)));
        }

        return sources;
    }

    private static void Fail(string message) => AnsiConsole.Console.MarkupLineInterpolated($"[red]error:[/] {message}");

    private sealed record AnchorSource(string Label, string Path, bool Exists, IReadOnlyList<AuditCheckpoint> Checkpoints);
}
