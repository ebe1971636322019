namespace Visage.Deid.Batch;

/// <summary>
/// A batch's progress: <paramref name="Done"/> counts files finished in this run plus those <paramref name="Skipped"/>
/// because an earlier run finished them, out of <paramref name="Total"/>; the rate is over this run's files only.
/// </summary>
public sealed record DeidProgress(int Done, int Total, int Failed, int Skipped, double FilesPerSecond);
