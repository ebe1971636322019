using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenCvSharp;
using Visage.Audit;
using Visage.Benchmarks.Gallery;
using Visage.Deid.Text;
using Visage.Face;
using Visage.Gallery;
using Visage.Protection;
using Visage.Storage;
using Visage.Workflows;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Consent;
using Visage.Workflows.Enrolment;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;
using static Visage.Benchmarks.RunnerSupport;

namespace Visage.Benchmarks.Workflows;

/// <summary>
/// <c>checkin [--sizes 10000,100000] [--iterations 400] [--threads 1,2]</c>: check-in end to end (image bytes in, decision
/// out, its audit records committed) through the real <see cref="PatientCheckIn"/>, composed as the CLI composes it
/// (<c>AddFaceEngine</c>, <c>AddProtectedStore</c>, <c>AddAuditLog</c> with the PHI screen, <c>AddWorkflows</c>) on a
/// SQLite store in a temporary folder. The gallery: N synthetic templates sealed under per-subject keys (the vault's
/// transform and cipher, inserted in bulk: enrolling N people through the face engine would take hours) plus two real
/// people enrolled through <see cref="FaceEnrolment"/> and 18 registered, consented decoys with synthetic templates, so
/// a 1:N candidate list holds 20 people. Reference in the same loop: <see cref="FaceEngine.CreateTemplate"/> on the
/// same bytes, alternated with each check-in, so both see the same machine.
/// </summary>
internal static class CheckInLatencyRunner
{
    private const int WarmUp = 60;

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = Option(args, "--sizes", "10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var iterations = int.Parse(Option(args, "--iterations", "400"), CultureInfo.InvariantCulture);
        var threads = Option(args, "--threads", "1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var faces = Path.Combine(Option(args, "--data", SharedDataLocator.Find()), "faces", "deepface");
        // Unset: the deployment default (Face:Threads = 2 intra-op threads per model session).
        var faceThreads = Option(args, "--face-threads", string.Empty);

        var setup = new List<string>
        {
            "| gallery | synthetic fill (bulk, sealed) | real + decoy people (services) | gallery load | templates in gallery |",
            "|---:|---:|---:|---:|---:|",
        };
        var rows = new List<string>
        {
            "| gallery | mode | threads | check-ins | image-to-template p50 / p99 (ms) | check-in p50 / p99 (ms) | ratio p50 | ratio p99 | added: p50 difference / median of pairs (ms) | outcomes | load average |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
        };
        var parts = new List<string>
        {
            "| gallery | part (1 thread) | p50 (ms) | p99 (ms) |",
            "|---:|---|---:|---:|",
        };
        foreach (var size in sizes)
        {
            await MeasureAsync(size, faces, faceThreads, iterations, threads, setup, rows, parts);
        }

        var lines = new List<string> { "Set-up", string.Empty };
        lines.AddRange(setup);
        lines.AddRange([string.Empty, "Check-in against image-to-template", string.Empty]);
        lines.AddRange(rows);
        lines.AddRange([string.Empty, "Parts of the overhead", string.Empty]);
        lines.AddRange(parts);
        Console.WriteLine();
        lines.ForEach(Console.WriteLine);
        Directory.CreateDirectory("artifacts/bench");
        await File.WriteAllLinesAsync("artifacts/bench/checkin.md", lines);
        return 0;
    }

    private static async Task MeasureAsync(int size, string faces, string faceThreads, int iterations, IReadOnlyList<int> threadCounts, List<string> setup, List<string> rows, List<string> parts)
    {
        var directory = Directory.CreateTempSubdirectory("visage-checkin-");
        try
        {
            var settings = new Dictionary<string, string?> { ["Storage:DataDirectory"] = Path.Combine(directory.FullName, "data") };
            if (faceThreads.Length > 0)
            {
                settings["Face:Threads"] = faceThreads;
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(configuration);
            services.AddLogging();
            services.AddFaceEngine("Face");
            services.AddProtectedStore("Storage");
            services.AddAuditLog("Audit");
            // What AddDeidentification registers for the audit log (the rest of de-identification is not needed here).
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditTextScreen, PhiAuditTextScreen>());
            services.AddWorkflows();
            await using var provider = services.BuildServiceProvider();
            provider.GetRequiredService<IStartupValidator>().Validate();

            var store = provider.GetRequiredService<ProtectedStoreLifetime>();
            var engine = provider.GetRequiredService<FaceEngine>();
            var modelVersion = provider.GetRequiredService<CaptureInspector>().ModelVersion;
            var kiosk = new AuditActor("kiosk-1", "kiosk");

            var clock = Stopwatch.StartNew();
            await BenchGallery.FillAsync(await store.OpenAsync(), size, modelVersion);
            var fill = clock.Elapsed;
            Console.Error.WriteLine($"{size:N0}: synthetic templates sealed and stored in {fill.TotalSeconds:F1} s");

            clock.Restart();
            var seeded = await BenchGallery.SeedPeopleAsync(provider, faces, size);
            var (candidates, probes) = (seeded.Candidates, seeded.Probes);
            var enrolled = clock.Elapsed;
            clock.Restart();
            await store.LoadGalleryAsync();
            var load = clock.Elapsed;
            setup.Add(string.Create(CultureInfo.InvariantCulture, $"| {size:N0} | {fill.TotalSeconds:F1} s | {enrolled.TotalSeconds:F1} s | {load.TotalSeconds:F1} s | {store.GalleryCount:N0} |"));
            Console.Error.WriteLine(setup[^1]);

            var checkIn = provider.GetRequiredService<PatientCheckIn>();
            var expected = candidates.ToArray();
            var checkIns = 0;
            var modes = new[] { ("1:1", true), ("1:N of 20", false) };
            Task<CheckInResult> CheckInAsync(bool claimed, int i) => claimed
                ? checkIn.CheckInAsync(kiosk, new FaceCapture(probes[i].Bytes), claimed: probes[i].Person)
                : checkIn.CheckInAsync(kiosk, new FaceCapture(probes[i].Bytes), candidates: expected);

            // Warm-up of both ways before either is measured: past tiered compilation's first tiers (30 calls) and the pools.
            for (var k = 0; k < WarmUp; k++)
            {
                var i = k % probes.Length;
                engine.CreateTemplate(probes[i].Bytes);
                await CheckInAsync(claimed: true, i);
                await CheckInAsync(claimed: false, i);
                checkIns += 2;
            }

            foreach (var (mode, claimed) in modes)
            {
                foreach (var threads in threadCounts)
                {
                    var reference = new ConcurrentBag<double>();
                    var measured = new ConcurrentBag<double>();
                    var pairs = new ConcurrentBag<double>();
                    var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
                    var loadBefore = BenchGallery.LoadAverage();
                    var perThread = iterations / threads;
                    await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
                    {
                        for (var k = 0; k < perThread; k++)
                        {
                            var i = ((k * threads) + t) % probes.Length;
                            // Alternate which goes first, so neither always follows the other's cache state.
                            var before = k % 2 == 0 ? TimeReference(engine, probes[i].Bytes) : double.NaN;
                            var watch = Stopwatch.StartNew();
                            var result = await CheckInAsync(claimed, i);
                            var took = watch.Elapsed.TotalMilliseconds;
                            var label = result.IdentityMismatch ? "mismatch" : result.Outcome.ToString();
                            outcomes.AddOrUpdate(label, 1, (_, n) => n + 1);
                            var engineOnly = k % 2 == 0 ? before : TimeReference(engine, probes[i].Bytes);
                            measured.Add(took);
                            reference.Add(engineOnly);
                            pairs.Add(took - engineOnly);
                        }
                    })));
                    checkIns += perThread * threads;

                    var (r50, r99) = (BenchGallery.Percentile(reference, 0.50), BenchGallery.Percentile(reference, 0.99));
                    var (c50, c99) = (BenchGallery.Percentile(measured, 0.50), BenchGallery.Percentile(measured, 0.99));
                    var tally = string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"));
                    rows.Add(string.Create(
                        CultureInfo.InvariantCulture,
                        $"| {size:N0} | {mode} | {threads} | {measured.Count} | {r50:F1} / {r99:F1} | {c50:F1} / {c99:F1} | {c50 / r50:F3} | {c99 / r99:F3} | {c50 - r50:F2} / {BenchGallery.Percentile(pairs, 0.50):F2} | {tally} | {loadBefore}–{BenchGallery.LoadAverage()} |"));
                    Console.Error.WriteLine(rows[^1]);
                }
            }

            await MeasurePartsAsync(provider, size, engine, probes[0].Bytes, expected, parts);
            await VerifyAuditAsync(await store.OpenAsync(), checkIns);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The pieces a check-in adds to the engine, each on its own: the searches, one consent read, one audit commit.</summary>
    private static async Task MeasurePartsAsync(ServiceProvider provider, int size, FaceEngine engine, byte[] probe, Guid[] candidates, List<string> parts)
    {
        const int Rounds = 200;
        var gallery = provider.GetRequiredService<ConsentedGallery>();
        var consents = provider.GetRequiredService<ConsentRegistry>();
        var log = provider.GetRequiredService<AuditLog>();
        var people = provider.GetRequiredService<PersonRegistry>();
        var purposes = provider.GetRequiredService<PurposeRegistry>();
        var vector = engine.CreateTemplate(probe).Embedding.Vector;
        var subset = candidates.ToHashSet();
        var kiosk = new AuditActor("kiosk-1", "kiosk");

        Task AddAsync(string part, Func<Task> body) => AddTimedAsync(part, async () =>
        {
            var watch = Stopwatch.StartNew();
            await body();
            return watch.Elapsed.TotalMilliseconds;
        });

        async Task AddTimedAsync(string part, Func<Task<double>> timed)
        {
            var times = new List<double>(Rounds);
            for (var i = 0; i < Rounds + 10; i++)
            {
                var took = await timed();
                if (i >= 10)
                {
                    times.Add(took);
                }
            }

            parts.Add(string.Create(CultureInfo.InvariantCulture, $"| {size:N0} | {part} | {BenchGallery.Percentile(times, 0.5):F3} | {BenchGallery.Percentile(times, 0.99):F3} |"));
            Console.Error.WriteLine(parts[^1]);
        }

        await AddAsync("consent-filtered search, whole gallery (1:1 mismatch check)", () => gallery.SearchAsync(vector, Purposes.CheckIn, 4, 0.30f, null, CancellationToken.None));
        await AddTimedAsync("the same, right after an image-to-template (caches as a check-in finds them)", async () =>
        {
            engine.CreateTemplate(probe);
            var watch = Stopwatch.StartNew();
            await gallery.SearchAsync(vector, Purposes.CheckIn, 4, 0.30f, null, CancellationToken.None);
            return watch.Elapsed.TotalMilliseconds;
        });
        await AddAsync("consent-filtered search, 20 candidates (1:N)", () => gallery.SearchAsync(vector, Purposes.CheckIn, 3, 0.30f, subset, CancellationToken.None));
        await AddAsync("1:1 score (VerifyAsync, with its consent read)", () => gallery.VerifyAsync(vector, candidates[0], Purposes.CheckIn, CancellationToken.None));
        await AddAsync("purpose approval read (EnsureApprovedAsync)", () => purposes.EnsureApprovedAsync(Purposes.CheckIn));
        await AddAsync("person read (RequireAsync)", () => people.RequireAsync(candidates[0]));
        await AddAsync("consent read (EnsureCoversAsync)", () => consents.EnsureCoversAsync(candidates[0], Purposes.CheckIn));
        await AddAsync("20 candidates registered? (UnknownAsync)", () => people.UnknownAsync(candidates));
        await AddAsync("person seen (TouchAsync: one UPDATE, own commit)", () => people.TouchAsync(candidates[0]));
        await AddAsync("one audit record committed (AppendAsync)", () => log.AppendAsync(new AuditEntry(kiosk.Id, kiosk.Role, "bench.part", Purposes.CheckIn, null, AuditedOperation.Success, "timing", null, Guid.NewGuid().ToString("N"), null)));
    }

    /// <summary>Every measured check-in left its success record in the chain: the figures include a committed audit trail.</summary>
    private static async Task VerifyAuditAsync(ProtectedStore store, int checkIns)
    {
        var queries = new AuditQueries(store.Database);
        var (started, succeeded) = (0, 0);
        long after = 0;
        while (true)
        {
            var page = await queries.ByActionAsync(PatientCheckIn.Action, after, AuditQueries.MaxPageSize);
            started += page.Records.Count(r => r.Outcome == AuditedOperation.Started);
            succeeded += page.Records.Count(r => r.Outcome == AuditedOperation.Success);
            if (page.NextAfter is not { } next)
            {
                break;
            }

            after = next;
        }

        Console.Error.WriteLine($"audit: {checkIns} check-ins, {started} started and {succeeded} success records");
        if (started != checkIns || succeeded != checkIns)
        {
            throw new InvalidOperationException($"expected {checkIns} started and success records for {PatientCheckIn.Action}, found {started} and {succeeded}");
        }
    }

    private static double TimeReference(FaceEngine engine, byte[] image)
    {
        var watch = Stopwatch.StartNew();
        engine.CreateTemplate(image);
        return watch.Elapsed.TotalMilliseconds;
    }
}
