using ScottPlot;
using Visage.Face;
using Visage.Protection;

namespace Visage.Cli.Reports;

/// <summary>Per attribute: DET curves of the judgeable subgroups beside the whole set, and each subgroup's score distributions.</summary>
internal static class SubgroupPlots
{
    private const int Width = 900;
    private const int Height = 600;

    public static IReadOnlyList<string> Write(SubgroupReport report, string directory)
    {
        OwnerOnlyFiles.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var attribute in report.Subgroups.Select(s => s.Attribute).Distinct(StringComparer.Ordinal))
        {
            var groups = report.Subgroups.Where(s => s.Attribute == attribute).ToList();
            written.Add(Det(report, attribute, groups.Where(g => g.Judgeable).Prepend(report.Overall).ToList(), directory));
            written.Add(Scores(report, attribute, groups.Where(g => g.GenuineScores.Count + g.ImpostorScores.Count > 0).ToList(), directory));
        }

        foreach (var plot in written)
        {
            // ScottPlot writes under the umask.
            OwnerOnlyFiles.Restrict(plot);
        }

        return written;
    }

    /// <summary>Log-log DET; rates of zero are drawn at the floor 1/(2n) of each curve.</summary>
    private static string Det(SubgroupReport report, string attribute, List<SubgroupMetrics> groups, string directory)
    {
        var plot = new Plot();
        foreach (var group in groups.Where(g => g.GenuineScores.Count > 0 && g.ImpostorScores.Count > 0))
        {
            var metrics = VerificationMetrics.Compute(group.GenuineScores, group.ImpostorScores, report.Threshold);
            var (floorFmr, floorFnmr) = (1.0 / (2 * metrics.Impostor), 1.0 / (2 * metrics.Genuine));
            var points = metrics.Curve.Select(p => (X: Math.Log10(Math.Max(p.FalseMatchRate, floorFmr)), Y: Math.Log10(Math.Max(p.FalseNonMatchRate, floorFnmr)))).ToArray();
            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            line.MarkerSize = 0;
            line.LegendText = FormattableString.Invariant($"{Label(group)} ({group.GenuinePairs}/{group.ImpostorPairs} pairs, {group.Identities} people)");
        }

        plot.Title($"{report.Set}: DET by {attribute} (judgeable subgroups only)");
        plot.XLabel("log10 false match rate");
        plot.YLabel("log10 false non-match rate");
        plot.ShowLegend(Alignment.UpperRight);
        var path = Path.Combine(directory, $"{report.Set}-{attribute}-det.png");
        plot.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>Genuine (solid) and impostor (dashed) score densities per subgroup, so groups of different sizes compare.</summary>
    private static string Scores(SubgroupReport report, string attribute, List<SubgroupMetrics> groups, string directory)
    {
        const double binWidth = 0.05;
        var plot = new Plot();
        foreach (var (group, index) in groups.Select((g, i) => (g, i)))
        {
            var color = plot.Add.Palette.GetColor(index);
            AddDensity(plot, group.GenuineScores, binWidth, color, LinePattern.Solid, $"{Label(group)} genuine (n={group.GenuineScores.Count})");
            AddDensity(plot, group.ImpostorScores, binWidth, color, LinePattern.Dashed, $"{Label(group)} impostor (n={group.ImpostorScores.Count})");
        }

        var threshold = plot.Add.VerticalLine(report.Threshold);
        threshold.LegendText = FormattableString.Invariant($"threshold {report.Threshold:0.00}");
        threshold.Color = Colors.Black;
        plot.Title($"{report.Set}: similarity scores by {attribute}");
        plot.XLabel("cosine similarity (−1 = no face found)");
        plot.YLabel("share of the subgroup's pairs per bin");
        plot.ShowLegend(Alignment.UpperLeft);
        var path = Path.Combine(directory, $"{report.Set}-{attribute}-scores.png");
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static void AddDensity(Plot plot, IReadOnlyList<float> scores, double binWidth, Color color, LinePattern pattern, string label)
    {
        if (scores.Count == 0)
        {
            return;
        }

        var bins = scores.GroupBy(s => Math.Floor(s / binWidth)).OrderBy(g => g.Key).ToList();
        var line = plot.Add.Scatter(
            bins.Select(b => (b.Key + 0.5) * binWidth).ToArray(),
            bins.Select(b => (double)b.Count() / scores.Count).ToArray());
        line.Color = color;
        line.LinePattern = pattern;
        line.MarkerSize = 3;
        line.LegendText = label;
    }

    private static string Label(SubgroupMetrics group) => group.Attribute == SubgroupEvaluator.All ? "all pairs" : group.Value;
}
