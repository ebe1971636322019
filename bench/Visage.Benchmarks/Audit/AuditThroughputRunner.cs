using System.Diagnostics;
using System.Globalization;
using Visage.Audit;
using Visage.Gallery;
using Visage.Protection;
using Visage.Storage;
using Visage.Storage.Migrations;
using static Visage.Benchmarks.RunnerSupport;

namespace Visage.Benchmarks.Audit;

/// <summary>
/// <c>audit [--records 400000] [--writers 8] [--in-flight 8,12,16,24]</c>: sustained appends to a SQLite chain from
/// concurrent writers (group commit) at each load, per-append latency percentiles, then verification speed. Reference in the same run: the
/// same writers with one append in flight each (no batching to exploit), so the ratio shows what group commit buys.
/// </summary>
internal static class AuditThroughputRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var records = int.Parse(Option(args, "--records", "400000"), CultureInfo.InvariantCulture);
        var writers = int.Parse(Option(args, "--writers", "8"), CultureInfo.InvariantCulture);
        var loads = Option(args, "--in-flight", "8,12,16,24").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture));
        var lines = new List<string>
        {
            $"writers: {writers}; SQLite, synchronous=FULL, checkpoint every 1,000 records",
            string.Empty,
            "| mode | records | appends/s | p50 append | p99 append | verify records/s |",
            "|---|---:|---:|---:|---:|---:|",
        };
        foreach (var inFlight in loads)
        {
            lines.Add(await MeasureAsync($"{inFlight} in flight per writer", records, writers, inFlight));
        }

        lines.Add(await MeasureAsync("1 in flight per writer (reference)", Math.Min(records, 40_000), writers, 1));
        Console.WriteLine();
        lines.ForEach(Console.WriteLine);
        Directory.CreateDirectory("artifacts/bench");
        await File.WriteAllLinesAsync("artifacts/bench/audit.md", lines);
        return 0;
    }

    private static async Task<string> MeasureAsync(string mode, int records, int writers, int inFlight)
    {
        var directory = Directory.CreateTempSubdirectory("visage-audit-bench-");
        try
        {
            await using var database = new SqliteDatabase(Path.Combine(directory.FullName, "visage.db"));
            await new SchemaMigrator(database).MigrateAsync();
            var keys = FileKeyProvider.OpenOrCreate(Path.Combine(directory.FullName, "visage.keys"));
            var perWriter = records / writers;
            // Warm-up (not measured): JIT tiers, the page cache and the thread pool settle, as BenchmarkDotNet would do.
            var warmUpPerWriter = Math.Min(perWriter / 5, 2_500);
            var latencies = new double[perWriter * writers];
            Stopwatch total;
            await using (var chain = await AuditChain.OpenAsync(database, keys))
            {
                await RunWritersAsync(chain, writers, warmUpPerWriter, inFlight, offset: records, latencies: null);
                total = Stopwatch.StartNew();
                await RunWritersAsync(chain, writers, perWriter, inFlight, offset: 0, latencies);
                total.Stop();
            }

            var verify = Stopwatch.StartNew();
            var result = await AuditVerifier.VerifyAsync(database, keys.ExportSigningPublicKey());
            verify.Stop();
            if (!result.IsIntact || result.RecordsChecked != latencies.Length + (warmUpPerWriter * writers))
            {
                throw new InvalidOperationException($"chain not intact after the run: {result}");
            }

            Array.Sort(latencies);
            Console.Error.WriteLine($"{mode}: {latencies.Length / total.Elapsed.TotalSeconds:N0} appends/s");
            return string.Create(
                CultureInfo.InvariantCulture,
                $"| {mode} | {latencies.Length:N0} | {latencies.Length / total.Elapsed.TotalSeconds:N0} | {latencies[latencies.Length / 2]:F2} ms | {latencies[(int)(latencies.Length * 0.99)]:F2} ms | {result.RecordsChecked / verify.Elapsed.TotalSeconds:N0} |");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Each writer keeps <paramref name="inFlight"/> appends outstanding; latency is enqueue to acknowledgement.</summary>
    private static Task RunWritersAsync(AuditChain chain, int writers, int perWriter, int inFlight, int offset, double[]? latencies) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var window = new Queue<(Task Append, long Started, int Index)>();
            for (var i = 0; i < perWriter; i++)
            {
                var index = (w * perWriter) + i;
                var entry = new AuditEntry($"staff-{w}", "clinician", "template.read", Purposes.CheckIn, $"subject-{(offset + index) % 10_000}", "success", null, "model@1", $"corr-{offset + index}", null);
                window.Enqueue((chain.AppendAsync(entry), Stopwatch.GetTimestamp(), index));
                if (window.Count >= inFlight)
                {
                    await Drain(window.Dequeue(), latencies);
                }
            }

            while (window.Count > 0)
            {
                await Drain(window.Dequeue(), latencies);
            }
        })));

    private static async Task Drain((Task Append, long Started, int Index) item, double[]? latencies)
    {
        await item.Append;
        if (latencies is not null)
        {
            latencies[item.Index] = Stopwatch.GetElapsedTime(item.Started).TotalMilliseconds;
        }
    }
}
