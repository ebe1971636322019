using System.Globalization;
using Visage.Workflows.Review;

namespace Visage.Server.Pages.Review;

/// <summary>The review queue's codes in plain words for the reviewer's pages.</summary>
internal static class ReviewWords
{
    public static string Kind(ReviewKind kind) => kind switch
    {
        ReviewKind.CheckIn => "Check-in with a borderline score",
        ReviewKind.IdentityMismatch => "Face matched someone other than the person claimed",
        ReviewKind.Duplicate => "New enrolment looks like an existing person",
        ReviewKind.RightPatient => "Right-patient check with a borderline score",
        ReviewKind.Emergency => "Emergency identification",
        _ => kind.ToCode(),
    };

    /// <summary>What a decided item now says, in plain words.</summary>
    public static string Outcome(ReviewItem item) => item.Status switch
    {
        ReviewStatus.Confirmed => $"Confirmed: the person the system proposed ({item.ChosenSubject}) is the person in the picture.",
        ReviewStatus.Reassigned => $"Another candidate chosen: the person in the picture is {item.ChosenSubject}, not the one proposed.",
        ReviewStatus.Rejected => "Rejected: none of the candidates is the person in the picture. They are seen at the desk.",
        _ => "Still open: no decision yet.",
    };

    /// <summary>How long ago, to the minute, in words.</summary>
    public static string Age(TimeSpan age) => age switch
    {
        { TotalMinutes: < 1 } => "under a minute",
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes} min"),
        { TotalDays: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} h {age.Minutes} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays} days"),
    };

    public static string Score(float score) => score.ToString("0.000", CultureInfo.InvariantCulture);
}
