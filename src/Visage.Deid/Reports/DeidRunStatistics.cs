namespace Visage.Deid.Reports;

/// <summary>What the latest run itself did: files processed now, skipped as already done, ignored inputs, time.</summary>
public sealed record DeidRunStatistics(
    int Processed,
    int Skipped,
    int Ignored,
    long InputBytes,
    TimeSpan Elapsed,
    bool Cancelled)
{
    public double FilesPerSecond => Elapsed.TotalSeconds > 0 ? Processed / Elapsed.TotalSeconds : 0;

    public double MegabytesPerSecond => Elapsed.TotalSeconds > 0 ? InputBytes / 1e6 / Elapsed.TotalSeconds : 0;
}
