using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Workflows.Drift;

/// <summary>Which live decision a score was made for; drift is judged per context, as thresholds are set per context.</summary>
public enum ScoreContext
{
    CheckIn,
    RightPatient,
    StepUp,
    Emergency,
    Duplicate,
}

/// <summary>What the system decided on its own, before any person looked.</summary>
public enum AutomaticOutcome
{
    Accepted,

    /// <summary>Queued for a reviewer (the review band, a contested match, every emergency identification, a duplicate suspicion).</summary>
    Review,

    /// <summary>No match: the desk (or the wristband) checks the person another way.</summary>
    Desk,

    /// <summary>A step-up verification that did not match.</summary>
    Failed,
}

public static class ScoreCodes
{
    public static string ToCode(this ScoreContext context) => context switch
    {
        ScoreContext.CheckIn => "check-in",
        ScoreContext.RightPatient => "right-patient",
        ScoreContext.StepUp => "step-up",
        ScoreContext.Emergency => "emergency",
        ScoreContext.Duplicate => "duplicate",
        _ => throw new ArgumentOutOfRangeException(nameof(context), context, null),
    };

    public static string ToCode(this AutomaticOutcome outcome) => outcome switch
    {
        AutomaticOutcome.Accepted => "accepted",
        AutomaticOutcome.Review => "review",
        AutomaticOutcome.Desk => "desk",
        AutomaticOutcome.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static bool TryParse(string? code, out ScoreContext context) => CodeTable.TryParse(code, ToCode, out context);

    public static bool TryParse(string? code, out AutomaticOutcome outcome) => CodeTable.TryParse(code, ToCode, out outcome);

    /// <summary>The context a review item was opened in (an identity mismatch is a check-in).</summary>
    internal static ScoreContext ContextOf(ReviewKind kind) => kind switch
    {
        ReviewKind.CheckIn or ReviewKind.IdentityMismatch => ScoreContext.CheckIn,
        ReviewKind.RightPatient => ScoreContext.RightPatient,
        ReviewKind.Emergency => ScoreContext.Emergency,
        ReviewKind.Duplicate => ScoreContext.Duplicate,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
