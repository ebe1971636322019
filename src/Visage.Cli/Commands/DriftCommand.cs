using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Cli.Reports;
using Visage.Protection;
using Visage.Workflows.Drift;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage drift report</c>: live operation's recent window against its baseline, per model version and context; a
/// crossed bound is recorded as a <c>drift.alert</c> and ends with exit 5 (a target missed), so a scheduler notices.
/// </summary>
internal static class DriftCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static Command Create(IServiceProvider services) => new("drift", "Drift monitoring of live recognition: genuine scores, review and override rates.")
    {
        Report(services),
    };

    private static Command Report(IServiceProvider services)
    {
        var weeks = IntegerOption.Create("--weeks", "The recent window in weeks, against the Drift:Baseline before it (default: Drift:Recent, 7 days)", 1, 1, DriftMonitor.MaxWeeks);
        var json = new Option<FileInfo?>("--json") { Description = "Write the report as JSON to this file (0600)." };
        var plot = new Option<FileInfo?>("--plot") { Description = "Write a PNG of the genuine-score distributions, recent against baseline, to this file (0600)." };
        var command = new Command("report", "The drift report per model version and context; raises drift.alert records for crossed bounds (exit 5).") { weeks, json, plot };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var actor = ActorOption.Resolve(parse);
            int? recentWeeks = parse.GetResult(weeks) is { Implicit: false } ? parse.GetValue(weeks) : null;
            var report = await services.GetRequiredService<DriftMonitor>().CheckAsync(actor, recentWeeks, cancellationToken);
            DriftTable.Write(report);
            if (parse.GetValue(json) is { } jsonFile)
            {
                await using var stream = OwnerOnlyFiles.OpenForWriting(jsonFile.FullName, FileMode.Create);
                await JsonSerializer.SerializeAsync(stream, report, Json, cancellationToken);
                AnsiConsole.MarkupLineInterpolated($"report written (0600) to {jsonFile.FullName}");
            }

            if (parse.GetValue(plot) is { } plotFile)
            {
                DriftPlot.Write(report, plotFile.FullName);
                AnsiConsole.MarkupLineInterpolated($"plot written (0600) to {plotFile.FullName}");
            }

            return report.Alert ? ExitCodes.TargetMissed : ExitCodes.Success;
        }));
        return command;
    }
}
