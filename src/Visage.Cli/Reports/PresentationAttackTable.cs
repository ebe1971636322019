using System.Globalization;
using Spectre.Console;
using Visage.Face;

namespace Visage.Cli.Reports;

/// <summary>APCER per attack species and BPCER per subsystem, each with its sample size, and how little a small sample says.</summary>
internal static class PresentationAttackTable
{
    public static void Write(IReadOnlyList<PresentationAttackReport> reports, int bonaFide, int attacks)
    {
        var table = new Table().Title("ISO/IEC 30107-3 (Wilson 95 % intervals)")
            .AddColumns("subsystem", "measure", "species", "n", "errors", "rate", "95 % interval", "what it says");
        foreach (var report in reports)
        {
            foreach (var apcer in report.Apcer)
            {
                Row(table, report.Subsystem, "APCER", apcer);
            }

            if (report.Bpcer is { } bpcer)
            {
                Row(table, report.Subsystem, "BPCER", bpcer);
            }
            else
            {
                table.AddRow(Markup.Escape(report.Subsystem), "BPCER", PresentationAttackMetrics.BonaFide, "-", "-", "-", "-", Markup.Escape(report.BpcerNotMeasured ?? string.Empty));
            }
        }

        AnsiConsole.Write(table);
        var total = bonaFide + attacks;
        AnsiConsole.MarkupLine(Markup.Escape(total < PresentationAttackMetrics.MinPresentations
            ? Inv($"{total} captures ({bonaFide} bona fide, {attacks} {(attacks == 1 ? "attack" : "attacks")}): no rate can be claimed; the intervals are the finding. See docs/liveness.md.")
            : Inv($"{total} captures ({bonaFide} bona fide, {attacks} attacks); a figure from fewer than {PresentationAttackMetrics.MinPresentations} presentations is not claimed.")));
    }

    private static void Row(Table table, string subsystem, string measure, PresentationErrorRate rate) => table.AddRow(
        Markup.Escape(subsystem),
        measure,
        Markup.Escape(rate.Species),
        Inv($"{rate.Rate.Trials}"),
        Inv($"{rate.Rate.Errors}"),
        Inv($"{rate.Rate.Rate:P1}"),
        Inv($"{rate.Rate.Lower:P1}–{rate.Rate.Upper:P1}"),
        Markup.Escape(rate.Claim));

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
