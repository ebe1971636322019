using System.Globalization;
using Spectre.Console;
using Visage.Face;

namespace Visage.Cli.Reports;

/// <summary>The subgroup figures of one pair set as a console table, then the worst-to-best FNMR ratios.</summary>
internal static class SubgroupTable
{
    public static void Write(SubgroupReport report)
    {
        var table = new Table()
            .Title(Markup.Escape(Inv($"{report.Set}: subgroups, threshold {report.Threshold:0.00}, model {report.Model}, 95 % intervals")))
            .AddColumns("subgroup", "pairs (gen/imp)", "people", "FMR @thr", "FNMR @thr")
            .AddColumns(report.Options.FixedFalseMatchRates.Select(f => Inv($"FNMR @FMR {f:0e0}")).ToArray())
            .AddColumn("verdict");
        foreach (var group in report.Subgroups.Prepend(report.Overall))
        {
            table.AddRow(
            [
                Markup.Escape(group.Attribute == SubgroupEvaluator.All ? "all pairs" : $"{group.Attribute} = {group.Value}"),
                Inv($"{group.GenuinePairs}/{group.ImpostorPairs}"),
                Inv($"{group.Identities}"),
                Rate(group.FalseMatchRate),
                Rate(group.FalseNonMatchRate),
                .. group.FnmrAtFixedFmr.Select(f => Markup.Escape(f.Describe())),
                Verdict(group),
            ]);
        }

        AnsiConsole.Write(table);
        foreach (var ratio in report.Ratios)
        {
            AnsiConsole.MarkupLine(Markup.Escape(ratio.Ratio is { } r
                ? Inv($"{ratio.Attribute}: worst-to-best FNMR {r:0.00} ({ratio.Worst} {ratio.WorstFnmr:P2} / {ratio.Best} {ratio.BestFnmr:P2})")
                : $"{ratio.Attribute}: no worst-to-best FNMR ratio: {ratio.Note}"));
        }

        if (report.UnlabelledImages > 0 && report.LabelledImages > 0)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]note:[/] {report.UnlabelledImages} images of {report.Set} have no labels; their pairs are in no subgroup.");
        }

        if (report.LabelConflicts > 0)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]warning:[/] {report.LabelConflicts} pairs of {report.Set} disagree with the identity labels (a genuine pair of two labelled people, or an impostor pair of one).");
        }
    }

    /// <summary>Escaped: the interval's brackets are Spectre markup otherwise.</summary>
    private static string Rate(RateEstimate rate) => rate.Rate is { } r
        ? Markup.Escape(Inv($"{r:P2} [{rate.Lower:P2}, {rate.Upper:P2}] ({rate.Errors}/{rate.Trials})"))
        : "no pairs";

    private static string Verdict(SubgroupMetrics group) => group.Verdict switch
    {
        SubgroupVerdict.TooSmallToJudge => $"[grey]too small to judge[/]: {Markup.Escape(group.VerdictReason)}",
        SubgroupVerdict.MeetsTargets => "[green]meets targets[/]",
        // The intervals are in the columns beside; the report's verdict reason spells them out.
        SubgroupVerdict.MissesTargets => "[red]misses targets[/]",
        _ => "[yellow]inconclusive[/]: an interval spans a target",
    };

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
