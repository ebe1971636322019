namespace Visage.Workflows.Recognition;

/// <summary>What kind of refusal: the caller's input, something that does not exist, or a rule that forbids it.</summary>
public enum RefusalKind
{
    BadInput,
    NotFound,
    NotPermitted,
}

/// <summary>
/// A workflow refused a request: a stable reason <see cref="Code"/> (see <see cref="RefusalCodes"/>; the audit record
/// and the future API problem type carry it), a <see cref="Kind"/> front ends map to an exit code or status, and a
/// message for a person that never repeats the input. Nothing was stored; the refusal was audited.
/// </summary>
public sealed class WorkflowRefusedException : Exception
{
    public WorkflowRefusedException()
        : this(RefusalCodes.BadInput, RefusalKind.BadInput, "The request was refused.")
    {
    }

    public WorkflowRefusedException(string message)
        : this(RefusalCodes.BadInput, RefusalKind.BadInput, message)
    {
    }

    public WorkflowRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = RefusalCodes.BadInput;
        Kind = RefusalKind.BadInput;
    }

    public WorkflowRefusedException(string code, RefusalKind kind, string message)
        : base(message)
    {
        Code = code;
        Kind = kind;
    }

    public string Code { get; }

    public RefusalKind Kind { get; }
}

/// <summary>The stable reason codes of refusals.</summary>
public static class RefusalCodes
{
    public const string BadInput = "bad-input";
    public const string UnknownSubject = "unknown-subject";
    public const string UnknownCandidates = "unknown-candidates";
    public const string NoCandidates = "no-candidates";
    public const string AlreadyAppealed = "already-appealed";
    public const string UnknownNotice = "unknown-notice";
    public const string UnknownReviewItem = "unknown-review-item";
    public const string UnknownReport = "unknown-report";
    public const string ReportInvalid = "report-signature-invalid";
    public const string ReportOfAnotherModel = "report-of-another-model";
    public const string ModelGatesFailed = "model-gates-failed";
    public const string ReportNotGateable = "report-not-gateable";
    public const string OverrideReasonRefused = "override-reason-refused";
    public const string NothingToRollBack = "nothing-to-roll-back";
    public const string ModelNotApproved = "model-not-approved";
    public const string NoConsent = "no-consent";
    public const string ConsentExpired = "consent-expired";
    public const string ConsentWithdrawn = "consent-withdrawn";
    public const string ConsentDoesNotCover = "consent-purpose-not-covered";
    public const string ConsentNarrowsTemplates = "consent-narrows-templates";
    public const string PurposeNotApproved = "purpose-not-approved";
    public const string NoFace = "no-face";
    public const string SeveralFaces = "several-faces";
    public const string ImageRefused = "image-refused";
    public const string Spoof = "spoof";
    public const string LockedOut = "locked-out";
    public const string NotLocked = "not-locked";
    public const string SecondFactorMissing = "second-factor-missing";
    public const string MrnTaken = "mrn-already-registered";
    public const string DetailsRefused = "details-refused";
    public const string AlreadyDecided = "already-decided";
    public const string NotAPatient = "not-a-patient";

    /// <summary>The prefix of quality refusals; the rest is the issue, e.g. <c>quality-blurred</c>.</summary>
    public const string QualityPrefix = "quality-";

    /// <summary>The prefix of active-liveness refusals; the rest is the liveness checker's code, e.g. <c>liveness-nonce-expired</c>.</summary>
    public const string LivenessPrefix = "liveness-";
}
