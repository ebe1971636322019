using ScottPlot;
using Visage.Face;
using Visage.Protection;
using Visage.Workflows.Recognition;

namespace Visage.Cli.Reports;

/// <summary>FPIR against gallery size (log scale) at the check-in accept threshold, with the band from FMR's Wilson interval.</summary>
internal static class CalibrationPlot
{
    public static string Write(RecognitionCalibration calibration, string directory)
    {
        var accept = calibration.Contexts[0].Accept;

        // A smooth curve: ten points per decade from N = 1 to the largest gallery reported.
        var decades = Math.Log10(calibration.CheckInIdentification.Max(r => r.GallerySize));
        var x = Enumerable.Range(0, (int)Math.Ceiling(decades * 10) + 1).Select(i => i / 10.0).ToArray();
        var sizes = x.Select(e => (int)Math.Round(Math.Pow(10, e))).ToArray();
        var point = sizes.Select(n => GalleryFalsePositives.Fpir(accept.Fmr.Rate ?? 0, n)).ToArray();
        var lower = sizes.Select(n => GalleryFalsePositives.Fpir(accept.Fmr.Lower ?? 0, n)).ToArray();
        var upper = sizes.Select(n => GalleryFalsePositives.Fpir(accept.Fmr.Upper ?? 1, n)).ToArray();

        var plot = new Plot();
        var band = plot.Add.FillY(x, upper, lower);
        band.FillColor = Colors.SteelBlue.WithAlpha(0.25);
        band.LegendText = "95 % interval (Wilson bounds on FMR)";
        var curve = plot.Add.Scatter(x, point);
        curve.MarkerSize = 0;
        curve.LegendText = FormattableString.Invariant($"FPIR at accept {accept.Threshold:0.000} (FMR {accept.Fmr.Errors}/{accept.Fmr.Trials})");
        var allowed = plot.Add.HorizontalLine(calibration.MaxFpir);
        allowed.LinePattern = LinePattern.Dashed;
        allowed.LegendText = FormattableString.Invariant($"allowed FPIR {calibration.MaxFpir:0.#####}");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, (int)Math.Ceiling(decades) + 1).Select(d => new Tick(d, FormattableString.Invariant($"{Math.Pow(10, d):N0}")))]);
        plot.Title(FormattableString.Invariant($"1:N false-positive identification rate vs gallery size{(accept.Certified ? string.Empty : " (threshold not certified)")}"));
        plot.XLabel("gallery size N (log scale)");
        plot.YLabel("FPIR (search without a mate)");
        plot.Axes.SetLimits(0, Math.Ceiling(decades) + 0.15, 0, 1.02);
        plot.ShowLegend(Alignment.UpperLeft);
        var path = Path.Combine(directory, "calibration-fpir.png");
        plot.SavePng(path, 900, 600);
        OwnerOnlyFiles.Restrict(path);
        return path;
    }
}
