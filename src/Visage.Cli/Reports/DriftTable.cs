using System.Globalization;
using Spectre.Console;
using Visage.Face;
using Visage.Workflows.Drift;

namespace Visage.Cli.Reports;

/// <summary>The drift report as two console tables: the figures per model and context, then each check's verdict.</summary>
internal static class DriftTable
{
    public static void Write(DriftReport report)
    {
        AnsiConsole.MarkupLine(Markup.Escape(Inv(
            $"recent {report.RecentFrom.UtcDateTime:yyyy-MM-dd HH:mm} to {report.RecentTo.UtcDateTime:yyyy-MM-dd HH:mm} UTC against the baseline from {report.BaselineFrom.UtcDateTime:yyyy-MM-dd HH:mm}; at least {report.MinSamples} samples per window to judge")));
        if (report.Groups.Count == 0)
        {
            AnsiConsole.MarkupLine("[grey]no recognition decisions recorded in either window[/]");
            return;
        }

        var figures = new Table()
            .Title("per model version and context (recent / baseline, 95 % intervals)")
            .AddColumns("model", "context", "genuine scores: n, mean", "review rate", "override rate");
        foreach (var group in report.Groups)
        {
            figures.AddRow(
                Markup.Escape(group.ModelVersion),
                group.Context.ToCode(),
                Markup.Escape($"{Scores(group.RecentGenuine)} / {Scores(group.BaselineGenuine)}"),
                Markup.Escape($"{Rate(group.RecentReviewRate)} / {Rate(group.BaselineReviewRate)}"),
                Markup.Escape($"{Rate(group.RecentOverrideRate)} / {Rate(group.BaselineOverrideRate)}"));
        }

        AnsiConsole.Write(figures);
        var checks = new Table().Title("checks").AddColumns("model", "context", "check", "verdict", "detail");
        foreach (var group in report.Groups)
        {
            foreach (var check in group.Checks)
            {
                checks.AddRow(Markup.Escape(group.ModelVersion), group.Context.ToCode(), check.Check, Verdict(check.Verdict), Markup.Escape(check.Detail));
            }
        }

        AnsiConsole.Write(checks);
        AnsiConsole.MarkupLine("[grey]subgroups: not known in live operation (Visage holds no demographic attributes); they are judged on labelled sets by visage eval[/]");
        var alerts = report.Groups.Sum(g => g.Checks.Count(c => c.Verdict == DriftVerdict.Alert));
        AnsiConsole.MarkupLine(alerts > 0
            ? Inv($"[red]{alerts} bound(s) crossed[/]: each is recorded in the audit log as drift.alert")
            : "[green]no bound crossed[/]");
    }

    private static string Scores(ScoreSummary summary) => summary.Mean is { } mean ? Inv($"{summary.Count}, {mean:0.000}") : "0";

    private static string Rate(RateEstimate rate) => rate.Rate is { } r ? Inv($"{r:P1} [{rate.Lower:P1}, {rate.Upper:P1}] of {rate.Trials}") : "none";

    private static string Verdict(DriftVerdict verdict) => verdict switch
    {
        DriftVerdict.Alert => "[red]alert[/]",
        DriftVerdict.Pass => "[green]pass[/]",
        _ => "[grey]too few samples to judge[/]",
    };

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
