namespace Visage.Deid.Reports;

/// <summary>
/// What de-identification did to one file and what the independent rescan found. Paths are relative to the
/// batch's input folder; no original value (PHI) is ever copied into a report, only where it was and why.
/// </summary>
public sealed record DeidFileReport(
    string Input,
    string? Output,
    DeidStatus Status,
    string? Error,
    IReadOnlyList<DeidAction> Actions,
    IReadOnlyList<PixelRedaction> Redactions,
    IReadOnlyList<VerificationFinding> Findings,
    IReadOnlyList<string> NeedsReview)
{
    /// <summary>True when the rescan found nothing identifying left in the output.</summary>
    public bool Clean => Status == DeidStatus.Deidentified && Findings.Count == 0;

    /// <summary>
    /// The output's name in the quarantine folder (<c>OUT.deid/quarantine</c>) when the rescan found identifying data
    /// in it; such a file never goes to the release folder (<see cref="Output"/> is null) until a person releases it.
    /// </summary>
    public string? Quarantined { get; init; }

    /// <summary>When a person released this quarantined output after checking it (<c>visage deid release</c>), and who.</summary>
    public DeidRelease? Released { get; init; }

    public static DeidFileReport Failed(string input, string error) =>
        new(input, null, DeidStatus.Failed, error, [], [], [], []);
}

/// <summary>A person's decision to release a quarantined output: who (an operator id, not a patient's) and when.</summary>
public sealed record DeidRelease(string Reviewer, DateTimeOffset ReleasedUtc);

public enum DeidStatus
{
    Deidentified,
    Failed,
}

/// <summary>What happened to one element or metadata field: <paramref name="Target"/> is e.g. "(0010,0010) PatientName" or "EXIF GPS".</summary>
public sealed record DeidAction(string Target, DeidActionKind Kind, string Reason);

public enum DeidActionKind
{
    Removed,
    Emptied,
    Replaced,
    DateShifted,
    Generalized,
    Kept,
    Redacted,
}

/// <summary>A pixel region that was blacked out, blurred or pixelated; frame 0 for single-frame images.</summary>
public sealed record PixelRedaction(RedactionSource Source, int Frame, int Left, int Top, int Width, int Height);

public enum RedactionSource
{
    Face,
    Text,
    Manual,
    Configured,
}

/// <summary>Something identifying the rescan found in the output: where, and which kind (never the value itself).</summary>
public sealed record VerificationFinding(string Location, FindingKind Kind, string Detail);

public enum FindingKind
{
    OriginalValue,
    PhiPattern,
    Metadata,
    RecognizableFace,
    BurnedInText,
}
