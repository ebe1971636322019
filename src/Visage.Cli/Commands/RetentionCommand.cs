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
            AnsiConsole.MarkupLineInterpolated($"retention run {report.RunId}: {report.ExpiredConsents} expired consents ended, {report.ProbeImages} probe images and {report.InactiveSubjects} inactive subjects' templates deleted");
            AnsiConsole.MarkupLineInterpolated($"{report.Certificates.Count} deletion certificates; the run's signed certificate is stored with the run id");
            return ExitCodes.Success;
        }));
        return new Command("retention", "Minimum-necessary retention, enforced.") { run };
    }
}
