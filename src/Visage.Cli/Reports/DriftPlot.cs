using ScottPlot;
using Visage.Protection;
using Visage.Workflows.Drift;

namespace Visage.Cli.Reports;

/// <summary>
/// The genuine-score distributions of each model version and context as step lines of the share of scores per bin:
/// recent solid, baseline dashed in the same colour (shares, not counts: the windows differ in length).
/// </summary>
internal static class DriftPlot
{
    public static void Write(DriftReport report, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var drawn = 0;
        foreach (var group in report.Groups.Where(g => g.GenuineHistogram.Count > 0))
        {
            var color = palette.GetColor(drawn++);
            var name = $"{group.ModelVersion} {group.Context.ToCode()}";
            Add(plot, group, group.RecentGenuine.Count, b => b.Recent, color, LinePattern.Solid, $"{name} recent (n={group.RecentGenuine.Count})");
            Add(plot, group, group.BaselineGenuine.Count, b => b.Baseline, color, LinePattern.Dashed, $"{name} baseline (n={group.BaselineGenuine.Count})");
        }

        plot.Title(drawn > 0 ? "genuine scores: recent against baseline" : "genuine scores: none in either window");
        plot.XLabel("cosine similarity");
        plot.YLabel("share of the window's genuine scores");
        plot.Axes.Margins(bottom: 0);
        // Below the axes: the curves fill the middle, where a legend inside would hide them.
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 900, 600 + (40 * drawn));
        // ScottPlot writes under the umask.
        OwnerOnlyFiles.Restrict(path);
    }

    private static void Add(Plot plot, DriftGroup group, int count, Func<ScoreBin, int> pick, Color color, LinePattern pattern, string label)
    {
        if (count == 0)
        {
            return;
        }

        // A closing point at the last bin's upper edge, so the last step is drawn.
        var xs = group.GenuineHistogram.Select(b => b.From).Append(group.GenuineHistogram[^1].To).ToArray();
        var ys = group.GenuineHistogram.Select(b => (double)pick(b) / count).Append((double)pick(group.GenuineHistogram[^1]) / count).ToArray();
        var line = plot.Add.Scatter(xs, ys);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.MarkerSize = 0;
        line.Color = color;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.LegendText = label;
    }
}
