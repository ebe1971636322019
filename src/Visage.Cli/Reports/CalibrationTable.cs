using System.Globalization;
using Spectre.Console;
using Visage.Face;
using Visage.Workflows.Recognition;

namespace Visage.Cli.Reports;

/// <summary>The console view of a calibration: thresholds per context, FPIR by gallery size, the settings lines.</summary>
internal static class CalibrationTable
{
    public static void Write(RecognitionCalibration calibration, string model)
    {
        var contexts = new Table()
            .Title(Markup.Escape(Inv($"thresholds at FMR {calibration.TargetFmr:0.#####} (accept) and {calibration.ReviewFmr:0.#####} (review), {calibration.GenuinePairs} genuine / {calibration.ImpostorPairs} impostor pairs, model {model}")))
            .AddColumns("context", "accept", "FMR @accept", "FNMR @accept", "review from", "FMR @review", "FNMR @review", "use");
        foreach (var c in calibration.Contexts)
        {
            contexts.AddRow(
                Markup.Escape(c.Context),
                Inv($"{c.Accept.Threshold:0.000}"),
                Rate(c.Accept.Fmr),
                Rate(c.Accept.Fnmr),
                c.HasReviewBand ? Inv($"{c.Review.Threshold:0.000}") : "no band",
                c.HasReviewBand ? Rate(c.Review.Fmr) : "-",
                c.HasReviewBand ? Rate(c.Review.Fnmr) : "-",
                Markup.Escape(c.Use));
        }

        AnsiConsole.Write(contexts);
        var accept = calibration.Contexts[0].Accept;
        var review = calibration.Contexts[0].Review;
        foreach (var (name, threshold) in new[] { ("accept", accept), ("review", review) })
        {
            var colour = threshold.Certified ? "green" : "yellow";
            AnsiConsole.MarkupLine(Inv($"[{colour}]{name} threshold {threshold.Threshold:0.000}:[/] {Markup.Escape(threshold.Caveat)}"));
        }

        var identification = new Table()
            .Title(Markup.Escape(Inv($"1:N check-in over all subjects at accept {accept.Threshold:0.000}: FPIR(N) = 1 − (1 − FMR)^N, allowed {calibration.MaxFpir:0.#####}")))
            .AddColumns("gallery N", "FPIR", "95 % interval", "verdict", "FMR needed", "impostors needed", "threshold needed", "searches without a mate sent to review");
        foreach (var (risk, load) in calibration.CheckInIdentification.Zip(calibration.CheckInReviewLoad))
        {
            identification.AddRow(
                Inv($"{risk.GallerySize:N0}"),
                Inv($"{risk.Fpir:P2}"),
                Inv($"{risk.FpirLower:P2}–{risk.FpirUpper:P2}"),
                risk.Verdict == IdentificationVerdict.MayAcceptAlone ? $"[green]{Markup.Escape(risk.Describe())}[/]" : $"[red]{Markup.Escape(risk.Describe())}[/]",
                Inv($"{risk.FmrNeeded:0.0E+0}"),
                Inv($"{risk.ImpostorsNeeded:N0} (have {calibration.ImpostorPairs:N0})"),
                risk.ThresholdNeeded is { } t ? Inv($"{t:0.000}") : "cannot be estimated",
                Inv($"{load.Fpir:P1} ({load.FpirLower:P1}–{load.FpirUpper:P1})"));
        }

        AnsiConsole.Write(identification);
        AnsiConsole.MarkupLine("Settings from this calibration (environment, or with the VISAGE_ prefix; Recognition:CheckIn:Accept in appsettings.json):");
        foreach (var line in calibration.Settings)
        {
            AnsiConsole.WriteLine(line);
        }
    }

    private static string Rate(RateEstimate rate) => Markup.Escape(Inv($"{rate.Errors}/{rate.Trials} [{rate.Lower:P2}, {rate.Upper:P2}]"));

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
