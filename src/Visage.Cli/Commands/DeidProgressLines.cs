using System.Diagnostics;
using System.Globalization;
using Visage.Deid.Batch;

namespace Visage.Cli.Commands;

/// <summary>Progress as a plain line every few seconds, for logs and pipes where a live bar would be noise.</summary>
internal sealed class DeidProgressLines(TextWriter writer) : IProgress<DeidProgress>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly Stopwatch sinceLast = Stopwatch.StartNew();
    private bool first = true;

    public void Report(DeidProgress value)
    {
        if (!first && value.Done < value.Total && sinceLast.Elapsed < Interval)
        {
            return;
        }

        first = false;
        sinceLast.Restart();
        writer.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{value.Done}/{value.Total} files, {value.Failed} failed, {value.Skipped} skipped (already done), {value.FilesPerSecond:F1} files/s"));
    }
}
