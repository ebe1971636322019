namespace Visage.Workflows.Retention;

/// <summary>Retention per data class (section <c>Retention</c>); review probe images follow <c>Recognition:ProbeRetention</c>.</summary>
public sealed class RetentionOptions
{
    /// <summary>Templates of a person not recognised (checked in or verified) for this many months are crypto-shredded.</summary>
    public int InactiveTemplateMonths { get; set; } = 24;

    /// <summary>Run retention in the background of a long-running host (the server); the CLI runs it with <c>visage retention run</c>.</summary>
    public bool RunInBackground { get; set; } = true;

    /// <summary>How often the background run starts.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
