using System.Globalization;
using Visage.Face;

namespace Visage.Workflows.Recognition;

/// <summary>
/// One recognition context's calibrated thresholds: <see cref="Accept"/> meets the target FMR, <see cref="Review"/> the
/// looser review FMR (the same as Accept where the context has no review band). <see cref="Setting"/> is the context's
/// name in <see cref="RecognitionOptions"/>.
/// </summary>
internal sealed record ContextCalibration(string Context, string Setting, string Use, FmrThreshold Accept, FmrThreshold Review)
{
    public bool HasReviewBand => Review.Threshold < Accept.Threshold;
}

/// <summary>
/// Calibrated thresholds for every context, the expected false positives of 1:N check-in by gallery size (at the accept
/// threshold, and at the review threshold, which is how often a search without a mate lands in the review queue), and
/// the settings lines a site sets from them. The services keep reading <see cref="RecognitionOptions"/>.
/// </summary>
internal sealed record RecognitionCalibration(
    double TargetFmr,
    double ReviewFmr,
    double MaxFpir,
    int GenuinePairs,
    int ImpostorPairs,
    IReadOnlyList<ContextCalibration> Contexts,
    IReadOnlyList<IdentificationRisk> CheckInIdentification,
    IReadOnlyList<IdentificationRisk> CheckInReviewLoad,
    IReadOnlyList<string> Settings)
{
    public const double DefaultTargetFmr = 1e-3;
    public const double DefaultReviewFmr = 1e-2;

    /// <param name="targetFmr">FMR an accepted match may have (NIST SP 800-63B: 1e-3).</param>
    /// <param name="reviewFmr">Looser FMR where the review band starts; above <paramref name="targetFmr"/>.</param>
    /// <param name="maxFpir">FPIR 1:N may have to accept on its own; by default the 1:1 target, so 1:N is held to the same bound.</param>
    public static RecognitionCalibration Calibrate(IReadOnlyList<float> genuine, IReadOnlyList<float> impostor, double targetFmr, double reviewFmr, double? maxFpir, IReadOnlyList<int> gallerySizes)
    {
        if (!(reviewFmr > targetFmr) || reviewFmr >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(reviewFmr), "The review FMR must be above the target FMR and below 1.");
        }

        var accept = ThresholdCalibration.AtFmr(targetFmr, genuine, impostor);
        var review = ThresholdCalibration.AtFmr(reviewFmr, genuine, impostor);
        ContextCalibration[] contexts =
        [
            new("check-in", nameof(RecognitionOptions.CheckIn), "accepted on its own from Accept; from Review up to it, the review queue", accept, review),
            new("step-up verification", nameof(RecognitionOptions.StepUp), "no review band: below Accept it fails", accept, accept),
            new("emergency identification", nameof(RecognitionOptions.Emergency), "candidates from Review are shown to a clinician; none is accepted on its own", accept, review),
            new("duplicate detection", nameof(RecognitionOptions.Duplicate), "an existing subject from Review holds the enrolment for a reviewer", accept, review),
        ];
        var allowed = maxFpir ?? targetFmr;
        return new RecognitionCalibration(
            targetFmr,
            reviewFmr,
            allowed,
            genuine.Count,
            impostor.Count,
            contexts,
            GalleryFalsePositives.At(accept, allowed, gallerySizes, genuine, impostor),
            GalleryFalsePositives.At(review, allowed, gallerySizes, genuine, impostor),
            SettingsFor(contexts));
    }

    /// <summary>
    /// Environment-variable form of the settings (<c>Recognition__CheckIn__Accept=0.470</c>; with the <c>VISAGE_</c>
    /// prefix, or as <c>Recognition:CheckIn:Accept</c> in appsettings.json). Right-patient confirmation is 1:1 like
    /// check-in and takes its thresholds.
    /// </summary>
    private static List<string> SettingsFor(IReadOnlyList<ContextCalibration> contexts)
    {
        var section = WorkflowServiceCollectionExtensions.RecognitionSection;
        var lines = new List<string>();
        foreach (var context in contexts)
        {
            lines.AddRange(Lines(section, context.Setting, context));
            if (context.Setting == nameof(RecognitionOptions.CheckIn))
            {
                lines.AddRange(Lines(section, nameof(RecognitionOptions.RightPatient), context));
            }
        }

        return lines;
    }

    private static string[] Lines(string section, string setting, ContextCalibration context) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"{section}__{setting}__{nameof(ContextThresholds.Accept)}={context.Accept.Threshold:0.000}"),
        string.Create(CultureInfo.InvariantCulture, $"{section}__{setting}__{nameof(ContextThresholds.Review)}={context.Review.Threshold:0.000}"),
    ];
}
