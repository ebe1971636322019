namespace Visage.Workflows.CheckIn;

/// <summary>The three outcomes of a check-in; none of them denies anyone anything.</summary>
public enum CheckInOutcome
{
    /// <summary>Checked in.</summary>
    Accepted,

    /// <summary>A person decides (weak match, or the face matched someone other than the one claimed).</summary>
    NeedsReview,

    /// <summary>No match: "please verify your ID at the desk".</summary>
    SeeDesk,
}

/// <summary>What the kiosk or desk is told, and the evidence behind it.</summary>
public sealed record CheckInResult(CheckInOutcome Outcome, Guid? SubjectId, float? Score, Guid? ReviewId, bool IdentityMismatch, string ModelVersion)
{
    public string Message => Outcome switch
    {
        CheckInOutcome.Accepted => "You're checked in.",
        CheckInOutcome.NeedsReview => "Please take a seat; a member of staff will confirm your check-in.",
        _ => "Please verify your ID at the desk.",
    };
}
