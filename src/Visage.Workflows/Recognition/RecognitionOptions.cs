namespace Visage.Workflows.Recognition;

/// <summary>
/// The two thresholds of one recognition context (cosine of protected templates): at or above <see cref="Accept"/> a
/// match stands on its own; from <see cref="Review"/> up to it, a person decides; below, there is no match.
/// </summary>
public sealed class ContextThresholds
{
    public float Accept { get; set; }

    public float Review { get; set; }
}

/// <summary>What an enrolment of several images stores.</summary>
public enum EnrolmentTemplate
{
    /// <summary>One template per image; a subject scores its best template (the default).</summary>
    PerImage,

    /// <summary>One template, the normalised mean of the images' embeddings.</summary>
    Mean,
}

/// <summary>Thresholds per context and the rules of the recognition workflows (section <c>Recognition</c>).</summary>
public sealed class RecognitionOptions
{
    /// <summary>Kiosk and desk check-in (1:1 or 1:N over a candidate list).</summary>
    public ContextThresholds CheckIn { get; set; } = new() { Accept = 0.45f, Review = 0.30f };

    /// <summary>Right-patient confirmation before a procedure, a blood draw or a medication.</summary>
    public ContextThresholds RightPatient { get; set; } = new() { Accept = 0.45f, Review = 0.30f };

    /// <summary>Step-up verification before a record opens: there is no review band, below Accept it fails.</summary>
    public ContextThresholds StepUp { get; set; } = new() { Accept = 0.50f, Review = 0.50f };

    /// <summary>Emergency identification: candidates at or above Review are shown; none is ever accepted without a clinician.</summary>
    public ContextThresholds Emergency { get; set; } = new() { Accept = 0.45f, Review = 0.30f };

    /// <summary>Duplicate check at enrolment: an existing subject at or above Review holds the enrolment for a reviewer.</summary>
    public ContextThresholds Duplicate { get; set; } = new() { Accept = 0.45f, Review = 0.40f };

    /// <summary>After the caller's candidates give no match, search every check-in-consented subject (off: only the list).</summary>
    public bool CheckInSearchAll { get; set; }

    /// <summary>
    /// Whether a match found by searching every subject may be accepted on its own (off: it goes to review). Turn on only
    /// when <c>visage eval calibrate</c> shows the false-positive identification rate at the site's gallery size within
    /// target: on the shared sets it cannot be shown at any size.
    /// </summary>
    public bool CheckInSearchAllAccepts { get; set; }

    /// <summary>
    /// What an enrolment of several images stores. <c>Mean</c> separated genuine from impostor scores better on the shared
    /// sets and keeps one gallery entry per enrolment, but it raises the scores of a look-alike as well as the person's, and
    /// the thresholds above were set on single-image scores: recalibrate before choosing it (docs/performance.md).
    /// </summary>
    public EnrolmentTemplate EnrolmentTemplate { get; set; } = EnrolmentTemplate.PerImage;

    /// <summary>How many candidates emergency identification returns at most.</summary>
    public int EmergencyTopK { get; set; } = 5;

    /// <summary>How long a review item's probe image is kept (encrypted) before retention crypto-shreds it.</summary>
    public TimeSpan ProbeRetention { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Refuse a capture without a passed active liveness challenge (front ends with a camera issue one).</summary>
    public bool RequireActiveLiveness { get; set; }
}
