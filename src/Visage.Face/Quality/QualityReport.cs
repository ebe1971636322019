namespace Visage.Face;

public enum QualityIssue
{
    TooSmall,
    Blurred,
    TooDark,
    TooBright,
    Clipped,
    YawTooLarge,
    PitchTooLarge,
    RollTooLarge,
}

/// <summary>Measured quality of one face and whether it meets the configured thresholds.</summary>
public sealed record QualityReport(
    float InterEyeDistance,
    float Sharpness,
    float MeanBrightness,
    float ClippedFraction,
    float YawDegrees,
    float PitchDegrees,
    float RollDegrees,
    IReadOnlyList<QualityIssue> Issues)
{
    public bool Passed => Issues.Count == 0;
}
