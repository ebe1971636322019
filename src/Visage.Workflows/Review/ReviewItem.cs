using Visage.Gallery;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Review;

/// <summary>Why a person must decide.</summary>
public enum ReviewKind
{
    /// <summary>A check-in score in the review band.</summary>
    CheckIn,

    /// <summary>The face matched an enrolled person other than the one claimed better than the claimed one (possible medical identity theft).</summary>
    IdentityMismatch,

    /// <summary>A new enrolment looks like an existing person (duplicate record).</summary>
    Duplicate,

    /// <summary>A right-patient confirmation in the review band.</summary>
    RightPatient,

    /// <summary>Emergency identification: a clinician confirms one candidate (or none).</summary>
    Emergency,
}

/// <summary>Where an item stands. Confirmed: the system's proposal was right; Reassigned: another candidate is; Rejected: none is.</summary>
public enum ReviewStatus
{
    Open,
    Confirmed,
    Reassigned,
    Rejected,
}

/// <summary>What a reviewer decides.</summary>
public enum ReviewDecision
{
    Confirm,
    ChooseOther,
    Reject,
}

public sealed record ReviewCandidate(Guid SubjectId, float Score);

/// <summary>
/// One item of the queue: what was asked (kind, purpose, claimed person), what the system found (candidates with
/// scores, model version, reason), the probe image's retention, and the human decision and any appeal. Holds no PHI in
/// clear: the probe image is sealed apart and shredded at <see cref="ProbeUntil"/>.
/// </summary>
public sealed record ReviewItem(
    Guid Id,
    ReviewKind Kind,
    Purposes Purpose,
    string Reason,
    string ModelVersion,
    Guid? ClaimedSubject,
    IReadOnlyList<ReviewCandidate> Candidates,
    DateTimeOffset Created,
    string CreatedBy,
    DateTimeOffset? ProbeUntil,
    ReviewStatus Status,
    string? DecidedBy,
    DateTimeOffset? Decided,
    Guid? ChosenSubject,
    DateTimeOffset? Appealed,
    string? AppealBy,
    string? AppealOutcome)
{
    /// <summary>What the system proposed: the claimed person when one was claimed, else the best candidate.</summary>
    public Guid? Proposed => ClaimedSubject ?? (Candidates.Count > 0 ? Candidates[0].SubjectId : null);
}

/// <summary>Decisions and overrides of one reviewer or one model version.</summary>
public sealed record OverrideRow(string Key, int Decided, int Overridden, int Appealed)
{
    public double OverrideRate => Decided == 0 ? 0 : (double)Overridden / Decided;
}

/// <summary>The override report: per reviewer and per model version.</summary>
public sealed record OverrideReport(IReadOnlyList<OverrideRow> ByReviewer, IReadOnlyList<OverrideRow> ByModelVersion);

public static class ReviewCodes
{
    public static string ToCode(this ReviewKind kind) => kind switch
    {
        ReviewKind.CheckIn => "check-in",
        ReviewKind.IdentityMismatch => "identity-mismatch",
        ReviewKind.Duplicate => "duplicate",
        ReviewKind.RightPatient => "right-patient",
        ReviewKind.Emergency => "emergency",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string ToCode(this ReviewStatus status) => status switch
    {
        ReviewStatus.Open => "open",
        ReviewStatus.Confirmed => "confirmed",
        ReviewStatus.Reassigned => "reassigned",
        ReviewStatus.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool TryParse(string? code, out ReviewKind kind) => CodeTable.TryParse(code, ToCode, out kind);

    public static bool TryParse(string? code, out ReviewStatus status) => CodeTable.TryParse(code, ToCode, out status);
}
