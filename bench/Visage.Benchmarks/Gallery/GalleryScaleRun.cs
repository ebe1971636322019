using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Visage.Gallery;
using Visage.Gallery.Scanning;

namespace Visage.Benchmarks.Gallery;

/// <summary>
/// <c>dotnet run -c Release --project bench/Visage.Benchmarks -- gallery [--sizes 10000,100000,1000000]
/// [--queries N] [--exact-samples N]</c>: builds galleries of each size, measures search latency against the plain
/// float32 scan in the same run, throughput on all cores, memory per template and recall at the 0.30 threshold.
/// Prints a table and writes it to <c>artifacts/bench/gallery.md</c>. (BenchmarkDotNet suits neither 1M-template
/// setups nor percentile and recall reporting.)
/// </summary>
internal static class GalleryScaleRun
{
    private const float Threshold = 0.30f;
    private static readonly GalleryQuery Query = new(Purposes.CheckIn, TopK: 10, MinScore: Threshold);

    private static readonly string[] Headers =
    [
        "Templates", "Build", "Bytes/template (accounted / measured)", "Search p50 / p99", "Float32 scan p50 / p99",
        "Speed-up (p50)", "Search q/s (all cores)", "Float32 q/s (all cores)", "Probes (genuine+impostor)",
        "Exact >= 0.30", "Returned", "Max abs score diff", "Returned below 0.30 - 1e-3", "Top-10, no threshold p50",
    ];

    public static int Run(string[] args)
    {
        var sizes = Option(args, "--sizes")?.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            ?? [10_000, 100_000, 1_000_000];
        var queries = Option(args, "--queries") is { } q ? int.Parse(q, CultureInfo.InvariantCulture) : (int?)null;
        var exactSamples = Option(args, "--exact-samples") is { } e ? int.Parse(e, CultureInfo.InvariantCulture) : (int?)null;

        var rows = new List<string[]>();
        foreach (var size in sizes)
        {
            // Recall probes per kind: 1,000 at 1M, 10,000 at 100k, 2,000 at 10k unless told otherwise.
            var perKind = queries ?? (size >= 1_000_000 ? 1_000 : size >= 100_000 ? 10_000 : 2_000);
            var samples = exactSamples ?? (size >= 1_000_000 ? 50 : size >= 100_000 ? 200 : 1_000);
            rows.Add(Measure(size, perKind, Math.Min(samples, 2 * perKind)));
        }

        var environment = string.Create(
            CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores, coarse kernel {CoarseScanner.Best}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Console.WriteLine();
        Console.WriteLine(PlainTable(rows));
        Console.WriteLine(environment);
        var path = Path.Combine(RepositoryRoot(), "artifacts", "bench", "gallery.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Markdown(rows, environment));
        Console.WriteLine($"Written to {path}");
        return 0;
    }

    private static string[] Measure(int size, int perKind, int exactSamples)
    {
        Log(size, "generating templates and probes");
        var data = SyntheticGallery.Create(size, seed: size);
        var entries = data.Entries;
        var probes = data.Probes(perKind, perKind, seed: size + 1);
        var templates = entries.ToDictionary(entry => entry.TemplateId);

        Log(size, "building the gallery");
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        using var gallery = new FaceGallery();
        // In 64k chunks, as a loader would stream them; each chunk is quantised in parallel.
        foreach (var chunk in entries.Chunk(65_536))
        {
            gallery.AddRange(chunk);
        }

        var build = clock.Elapsed;
        var measuredBytes = (GC.GetTotalMemory(forceFullCollection: true) - before + gallery.UnmanagedBytes) / (double)size;

        Log(size, "warming up");
        for (var i = 0; i < 20; i++)
        {
            gallery.Search(probes[i % probes.Length].Probe, Query);
            if (i < 3)
            {
                ExactScan.Search(entries, probes[i].Probe, Query);
            }
        }

        // One thread. Float32 scans are interleaved with the searches, so both see the same machine: the
        // speed-up is not an artefact of a noisy neighbour during one of them.
        Log(size, $"searching {probes.Length} probes and float32-scanning {exactSamples}, one thread");
        var results = new GalleryMatch[probes.Length][];
        var latencies = new double[probes.Length];
        var exactLatencies = new double[exactSamples];
        for (int i = 0, sample = 0; i < probes.Length; i++)
        {
            if (sample < exactSamples && i == (int)((long)sample * probes.Length / exactSamples))
            {
                var exactStart = Stopwatch.GetTimestamp();
                ExactScan.Search(entries, probes[i].Probe, Query);
                exactLatencies[sample++] = Stopwatch.GetElapsedTime(exactStart).TotalMilliseconds;
            }

            var start = Stopwatch.GetTimestamp();
            results[i] = [.. gallery.Search(probes[i].Probe, Query)];
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Log(size, "all cores");
        clock.Restart();
        Parallel.For(0, probes.Length, i => gallery.Search(probes[i].Probe, Query));
        var throughput = probes.Length / clock.Elapsed.TotalSeconds;
        var expected = new GalleryMatch[probes.Length][];
        clock.Restart();
        Parallel.For(0, probes.Length, i => expected[i] = ExactScan.Search(entries, probes[i].Probe, Query));
        var exactThroughput = probes.Length / clock.Elapsed.TotalSeconds;

        Log(size, "recall");
        long exactCount = 0, returned = 0, below = 0;
        var maxDiff = 0.0;
        for (var i = 0; i < probes.Length; i++)
        {
            var ours = results[i].ToDictionary(match => match.SubjectId);
            foreach (var match in expected[i])
            {
                exactCount++;
                if (ours.TryGetValue(match.SubjectId, out var found))
                {
                    returned++;
                    maxDiff = Math.Max(maxDiff, Math.Abs(found.Score - match.Score));
                }
            }

            foreach (var match in results[i])
            {
                var exact = TensorPrimitives.Dot(templates[match.TemplateId].Vector.Span, probes[i].Probe);
                maxDiff = Math.Max(maxDiff, Math.Abs(match.Score - exact));
                below += exact < Threshold - 1e-3f ? 1 : 0;
            }
        }

        Log(size, "top-10 without threshold");
        var topK = new GalleryQuery(Purposes.CheckIn, TopK: 10, MinScore: -1);
        var topKLatencies = new double[20];
        for (var i = 0; i < topKLatencies.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            gallery.Search(probes[perKind + i].Probe, topK);
            topKLatencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        var p50 = Percentile(latencies, 0.50);
        var exactP50 = Percentile(exactLatencies, 0.50);
        return
        [
            size.ToString("N0", CultureInfo.InvariantCulture),
            Format($"{build.TotalSeconds:F1} s"),
            Format($"{gallery.BytesPerTemplate:F0} / {measuredBytes:F0}"),
            Format($"{p50:F2} / {Percentile(latencies, 0.99):F2} ms"),
            Format($"{exactP50:F2} / {Percentile(exactLatencies, 0.99):F2} ms"),
            Format($"{exactP50 / p50:F1}x"),
            Format($"{throughput:F0}"),
            Format($"{exactThroughput:F0}"),
            Format($"{perKind:N0} + {perKind:N0}"),
            Format($"{exactCount:N0}"),
            Format($"{returned:N0}"),
            Format($"{maxDiff:E1}"),
            Format($"{below}"),
            Format($"{Percentile(topKLatencies, 0.50):F1} ms"),
        ];
    }

    private static double Percentile(double[] values, double fraction)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Round(fraction * (sorted.Length - 1))];
    }

    private static string Format(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Log(int size, string step) =>
        Console.WriteLine(Format($"[{DateTime.Now:HH:mm:ss}] {size:N0}: {step}"));

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string PlainTable(List<string[]> rows)
    {
        // One row per measure, one column per gallery size: 14 measures do not fit across a terminal.
        var width = Headers.Max(h => h.Length);
        var columns = rows.Select(row => row.Max(cell => cell.Length)).ToArray();
        var text = new StringBuilder();
        for (var m = 0; m < Headers.Length; m++)
        {
            text.Append(Headers[m].PadRight(width));
            for (var r = 0; r < rows.Count; r++)
            {
                text.Append(" | ").Append(rows[r][m].PadLeft(columns[r]));
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private static string Markdown(List<string[]> rows, string environment)
    {
        var text = new StringBuilder();
        text.AppendLine("# Gallery search at scale");
        text.AppendLine();
        text.AppendLine(Format($"`dotnet run -c Release --project bench/Visage.Benchmarks -- gallery`, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {environment}."));
        text.AppendLine();
        text.AppendLine("Query: check-in, top 10, threshold 0.30. Search: int4 scan with proven error bounds, then exact rescoring; ");
        text.AppendLine("float32 scan: `ExactScan` (one `TensorPrimitives.Dot` per template over contiguous rows). Latencies are single-threaded; ");
        text.AppendLine("recall counts every subject the float32 scan puts at or above 0.30 (within the top 10).");
        text.AppendLine();
        text.Append("| Measure |").AppendJoin(string.Empty, rows.Select(row => $" {row[0]} |")).AppendLine();
        text.Append("|---|").AppendJoin(string.Empty, rows.Select(_ => "---:|")).AppendLine();
        for (var m = 1; m < Headers.Length; m++)
        {
            text.Append("| ").Append(Headers[m]).Append(" |").AppendJoin(string.Empty, rows.Select(row => $" {row[m]} |")).AppendLine();
        }

        return text.ToString();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Visage.slnx")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
