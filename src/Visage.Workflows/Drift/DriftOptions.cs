using System.ComponentModel.DataAnnotations;

namespace Visage.Workflows.Drift;

/// <summary>
/// The bounds drift monitoring holds live operation to (section <c>Drift</c>). A bound is crossed only when the change is
/// both larger than the bound and larger than chance at 95 %: a small week must not raise an alert by noise alone.
/// </summary>
public sealed class DriftOptions
{
    /// <summary>The recent window, ending now.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan Recent { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The baseline window, ending where the recent one starts.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "730.00:00:00")]
    public TimeSpan Baseline { get; set; } = TimeSpan.FromDays(28);

    /// <summary>Largest two-sample Kolmogorov–Smirnov statistic between the windows' genuine scores.</summary>
    [Range(0.01, 1.0)]
    public double MaxKs { get; set; } = 0.2;

    /// <summary>Largest change of the mean genuine score (cosine), either way.</summary>
    [Range(0.001, 2.0)]
    public double MaxMeanShift { get; set; } = 0.05;

    /// <summary>Largest rise of the reviewer override rate (share of decided items where the reviewer disagreed).</summary>
    [Range(0.001, 1.0)]
    public double MaxOverrideRateIncrease { get; set; } = 0.10;

    /// <summary>Largest rise of the share of decisions sent to review.</summary>
    [Range(0.001, 1.0)]
    public double MaxReviewRateIncrease { get; set; } = 0.10;

    /// <summary>Fewest samples each window needs before a check is judged; below, it is reported as too few to judge.</summary>
    [Range(5, 1_000_000)]
    public int MinSamples { get; set; } = 30;

    /// <summary>Run the check in the background of a long-running host (the server).</summary>
    public bool RunInBackground { get; set; } = true;

    /// <summary>How often the background check runs (weekly).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "31.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(7);
}
