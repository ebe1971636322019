using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Workflows.Evaluation;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage eval record FILE</c> keeps a report <c>visage eval</c> wrote as signed evidence (stored, signed with the audit
/// signing key, named in the audit log); <c>visage eval reports</c> lists them and checks every signature (exit 13 if one
/// fails). A model's promotion can then point at the report it passed.
/// </summary>
internal static class EvalRecordCommands
{
    public static IEnumerable<Command> Create(IServiceProvider services)
    {
        var file = new Argument<FileInfo>("report") { Description = "The JSON report (e.g. reports/eval/pairs.json)." };
        var kind = new Option<string>("--kind")
        {
            Description = "What the report measured: pairs, calibration, liveness, ... (default: the file's name without .json).",
        };
        var record = new Command("record", "Sign and store an evaluation report as evidence; the audit log names it by id and SHA-256.") { file, kind };
        record.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync("error: the report file does not exist (its path is not shown).");
                return ExitCodes.BadInput;
            }

            var body = await File.ReadAllTextAsync(path.FullName, cancellationToken);
            var stored = await services.GetRequiredService<EvaluationRecords>().RecordAsync(
                ActorOption.Resolve(parse), parse.GetValue(kind) ?? Path.GetFileNameWithoutExtension(path.Name).ToLowerInvariant(), body, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"report {stored.Id} ({stored.Kind}, model {stored.ModelVersion}) stored and signed; sha256 {stored.Sha256}");
            return ExitCodes.Success;
        }));

        var reports = new Command("reports", "Every stored evaluation report, its signature checked against the signing key (exit 13 if one does not verify).");
        reports.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var stored = await services.GetRequiredService<EvaluationRecords>().ListAsync(ActorOption.Resolve(parse), cancellationToken);
            var table = new Table().AddColumns("report", "kind", "model", "recorded (UTC)", "by", "sha256", "signature");
            foreach (var r in stored)
            {
                table.AddRow(
                    r.Id.ToString(),
                    Markup.Escape(r.Kind),
                    Markup.Escape(r.ModelVersion),
                    r.Recorded.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    Markup.Escape(r.RecordedBy),
                    r.Sha256[..16] + "…",
                    r.SignatureValid ? "[green]valid[/]" : "[red]INVALID[/]");
            }

            AnsiConsole.Write(table);
            return stored.All(r => r.SignatureValid) ? ExitCodes.Success : ExitCodes.CertificateInvalid;
        }));
        return [record, reports];
    }
}
