using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Visage.Gallery;

/// <summary>Runs per-entry work of a batch on all cores when the batch is large enough to be worth it.</summary>
internal static class ParallelRanges
{
    private const int RangeSize = 1024;

    /// <summary>Calls <paramref name="body"/> for 0 ≤ i &lt; count; an <see cref="ArgumentException"/> comes out unwrapped.</summary>
    public static void For(int count, Action<int> body)
    {
        if (count < 2 * RangeSize)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        try
        {
            // Ranges, not single indices: per-index scheduling of ~1 µs items measured slower than one thread.
            Parallel.ForEach(Partitioner.Create(0, count, RangeSize), range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    body(i);
                }
            });
        }
        catch (AggregateException error) when (error.InnerExceptions[0] is ArgumentException invalid)
        {
            ExceptionDispatchInfo.Capture(invalid).Throw();
        }
    }
}
