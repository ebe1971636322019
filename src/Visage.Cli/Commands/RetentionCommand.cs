using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Workflows.Retention;

namespace Visage.Cli.Commands;

/// <summary><c>visage retention run</c>: apply the retention rules now (a server runs them on a timer); audited, with a signed run certificate.</summary>
internal static class RetentionCommand
{
    public static Command Create(IServiceProvider services)
    {
        var run = new Command("run", "End expired consents, delete review probe images past their retention and the templates of people not seen for the configured months; each deletion and the run get a signed certificate.");
        run.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var report = await services.GetRequiredService<RetentionRun>().RunAsync(ActorOption.Resolve(parse), cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"retention run {report.RunId}: {report.ExpiredConsents} expired consents ended, {report.UnconsentedSubjects} subjects' data without a consent in force, {report.ProbeImages} probe images and {report.InactiveSubjects} inactive subjects' templates deleted");
            AnsiConsole.MarkupLineInterpolated($"{report.Certificates.Count} deletion certificates; the run's signed certificate is stored with the run id");
            return ExitCodes.Success;
        }));
        var runs = new Command("runs", "Every retention run's signed certificate, checked against the signing key (exit 13 if one does not verify).");
        runs.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var stored = await services.GetRequiredService<RetentionRun>().ListAsync(ActorOption.Resolve(parse), cancellationToken);
            var table = new Table().AddColumns("run", "when (UTC)", "signature", "certificate");
            foreach (var r in stored)
            {
                table.AddRow(r.RunId.ToString(), r.Issued.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), r.Valid ? "[green]valid[/]" : "[red]INVALID[/]", Markup.Escape(r.Body));
            }

            AnsiConsole.Write(table);
            return stored.All(r => r.Valid) ? ExitCodes.Success : ExitCodes.CertificateInvalid;
        }));
        return new Command("retention", "Minimum-necessary retention, enforced.") { run, runs };
    }
}
