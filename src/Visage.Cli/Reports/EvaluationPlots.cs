using ScottPlot;
using Visage.Face;
using Visage.Protection;

namespace Visage.Cli.Reports;

/// <summary>ROC, DET and score-histogram PNGs for a pair-set evaluation.</summary>
internal static class EvaluationPlots
{
    private const int Width = 900;
    private const int Height = 600;

    public static IReadOnlyList<string> Write(PairSetResult result, string directory)
    {
        OwnerOnlyFiles.CreateDirectory(directory);
        string[] plots = [Roc(result, directory), Det(result, directory), Histogram(result, directory)];
        foreach (var plot in plots)
        {
            // ScottPlot writes under the umask.
            OwnerOnlyFiles.Restrict(plot);
        }

        return plots;
    }

    private static string Roc(PairSetResult result, string directory)
    {
        var plot = new Plot();
        var curve = result.Metrics.Curve;
        var roc = plot.Add.Scatter(curve.Select(p => p.FalseMatchRate).ToArray(), curve.Select(p => 1 - p.FalseNonMatchRate).ToArray());
        roc.LegendText = FormattableString.Invariant($"ROC (AUC {result.Metrics.RocAuc:0.0000})");
        roc.MarkerSize = 0;
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.LegendText = "chance";
        plot.Title(FormattableString.Invariant($"{result.Name}: ROC ({result.Model})"));
        plot.XLabel("false match rate");
        plot.YLabel("true match rate");
        plot.Axes.SetLimits(0, 1, 0, 1.01);
        plot.ShowLegend(Alignment.LowerRight);
        var path = Path.Combine(directory, $"{result.Name}-roc.png");
        plot.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>DET curve on log10 axes; rates of zero are drawn at the floor 1/(2n).</summary>
    private static string Det(PairSetResult result, string directory)
    {
        var floorFmr = 1.0 / (2 * result.Metrics.Impostor);
        var floorFnmr = 1.0 / (2 * result.Metrics.Genuine);
        var points = result.Metrics.Curve
            .Select(p => (X: Math.Log10(Math.Max(p.FalseMatchRate, floorFmr)), Y: Math.Log10(Math.Max(p.FalseNonMatchRate, floorFnmr))))
            .ToArray();
        var plot = new Plot();
        var det = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        det.MarkerSize = 0;
        det.LegendText = FormattableString.Invariant($"DET (EER {result.Metrics.EqualErrorRate:P2})");
        plot.Title($"{result.Name}: DET");
        plot.XLabel("log10 false match rate");
        plot.YLabel("log10 false non-match rate");
        plot.ShowLegend(Alignment.UpperRight);
        var path = Path.Combine(directory, $"{result.Name}-det.png");
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string Histogram(PairSetResult result, string directory)
    {
        const double binWidth = 0.025;
        var plot = new Plot();
        AddBars(plot, result.GenuineScores, binWidth, Colors.SeaGreen.WithAlpha(0.6), $"genuine (n={result.GenuineScores.Count})");
        AddBars(plot, result.ImpostorScores, binWidth, Colors.OrangeRed.WithAlpha(0.6), $"impostor (n={result.ImpostorScores.Count})");
        var threshold = plot.Add.VerticalLine(result.Metrics.Threshold);
        threshold.LegendText = FormattableString.Invariant($"threshold {result.Metrics.Threshold:0.00}");
        threshold.LinePattern = LinePattern.Dashed;
        plot.Title($"{result.Name}: similarity scores");
        plot.XLabel("cosine similarity (−1 = no face found)");
        plot.YLabel("pairs");
        plot.ShowLegend(Alignment.UpperLeft);
        var path = Path.Combine(directory, $"{result.Name}-scores.png");
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static void AddBars(Plot plot, IReadOnlyList<float> scores, double binWidth, Color color, string label)
    {
        var bins = scores.GroupBy(s => Math.Floor(s / binWidth)).Select(g => new Bar
        {
            Position = (g.Key + 0.5) * binWidth,
            Value = g.Count(),
            Size = binWidth,
            FillColor = color,
            LineWidth = 0,
        }).ToList();
        var bars = plot.Add.Bars(bins);
        bars.LegendText = label;
    }
}
