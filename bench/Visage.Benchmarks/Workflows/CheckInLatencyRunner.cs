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
    private const int Decoys = 18;
    private const int WarmUp = 60;
    private static readonly string[] PersonA = ["img1.jpg", "img2.jpg", "img4.jpg", "img5.jpg", "img6.jpg", "img7.jpg", "img10.jpg", "img11.jpg"];
    private static readonly string[] PersonB = ["img13.jpg", "img14.jpg", "img15.jpg"];

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
            var actor = new AuditActor("bench-1", "privacy-officer");
            var kiosk = new AuditActor("kiosk-1", "kiosk");

            var clock = Stopwatch.StartNew();
            await FillAsync(await store.OpenAsync(), size, modelVersion);
            var fill = clock.Elapsed;
            Console.Error.WriteLine($"{size:N0}: synthetic templates sealed and stored in {fill.TotalSeconds:F1} s");

            clock.Restart();
            // A consent may only name approved purposes.
            foreach (var purpose in new[] { Purposes.CheckIn, Purposes.EmergencyIdentification })
            {
                await provider.GetRequiredService<PurposeRegistry>().ApproveAsync(actor, purpose, "Benchmark store for check-in latency; synthetic and public test faces only.");
            }

            var notice = await provider.GetRequiredService<ConsentNotices>().AddAsync(actor, "Benchmark consent notice: your face is used to check you in.", "en");
            var people = provider.GetRequiredService<PersonRegistry>();
            var consents = provider.GetRequiredService<ConsentRegistry>();
            var enrolment = provider.GetRequiredService<FaceEnrolment>();
            async Task<Guid> AddConsentedAsync()
            {
                var person = await people.AddAsync(actor, PersonKind.Patient, new PersonDetails());
                await consents.GrantAsync(actor, person.Id, new ConsentGrant(notice.Version, Purposes.CheckIn | Purposes.EmergencyIdentification, ConsentMethod.KioskSignature, ConsentGiver.Patient));
                return person.Id;
            }

            var a = await AddConsentedAsync();
            var b = await AddConsentedAsync();
            await EnrolAsync(enrolment, actor, a, faces, PersonA[..2]);
            await EnrolAsync(enrolment, actor, b, faces, PersonB[..1]);
            var candidates = new List<Guid> { a, b };
            var random = new Random(size);
            for (var i = 0; i < Decoys; i++)
            {
                var decoy = await AddConsentedAsync();
                await store.EnrolAsync(decoy, RandomUnit(random), Purposes.CheckIn | Purposes.EmergencyIdentification, modelVersion);
                candidates.Add(decoy);
            }

            var enrolled = clock.Elapsed;
            clock.Restart();
            await store.LoadGalleryAsync();
            var load = clock.Elapsed;
            setup.Add(string.Create(CultureInfo.InvariantCulture, $"| {size:N0} | {fill.TotalSeconds:F1} s | {enrolled.TotalSeconds:F1} s | {load.TotalSeconds:F1} s | {store.GalleryCount:N0} |"));
            Console.Error.WriteLine(setup[^1]);

            // Kiosk captures: the held-out photos of both people, scaled to at most 640 px on the long side.
            var probes = PersonA[2..].Select(n => (Bytes: KioskJpeg(Path.Combine(faces, n)), Person: a))
                .Concat(PersonB[1..].Select(n => (Bytes: KioskJpeg(Path.Combine(faces, n)), Person: b)))
                .ToArray();
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
                    var loadBefore = LoadAverage();
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

                    var (r50, r99) = (Percentile(reference, 0.50), Percentile(reference, 0.99));
                    var (c50, c99) = (Percentile(measured, 0.50), Percentile(measured, 0.99));
                    var tally = string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"));
                    rows.Add(string.Create(
                        CultureInfo.InvariantCulture,
                        $"| {size:N0} | {mode} | {threads} | {measured.Count} | {r50:F1} / {r99:F1} | {c50:F1} / {c99:F1} | {c50 / r50:F3} | {c99 / r99:F3} | {c50 - r50:F2} / {Percentile(pairs, 0.50):F2} | {tally} | {loadBefore}–{LoadAverage()} |"));
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

            parts.Add(string.Create(CultureInfo.InvariantCulture, $"| {size:N0} | {part} | {Percentile(times, 0.5):F3} | {Percentile(times, 0.99):F3} |"));
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

    private static async Task EnrolAsync(FaceEnrolment enrolment, AuditActor actor, Guid person, string faces, string[] images)
    {
        var captures = images.Select(n => new FaceCapture(File.ReadAllBytes(Path.Combine(faces, n)))).ToList();
        var result = await enrolment.EnrolAsync(actor, person, captures);
        if (result.Outcome != EnrolmentOutcome.Enrolled)
        {
            throw new InvalidOperationException($"enrolment of {string.Join(", ", images)} ended {result.Outcome}");
        }
    }

    private static double TimeReference(FaceEngine engine, byte[] image)
    {
        var watch = Stopwatch.StartNew();
        engine.CreateTemplate(image);
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// N synthetic templates (<see cref="SyntheticGallery"/>: one subject in five with a second template) stored the way the
    /// vault stores them: the probe transform applied, sealed under the subject's own data key, the key wrapped by the
    /// store's key provider; rows inserted in large transactions. No people rows: the gallery filter looks only at the
    /// templates' purposes, and consent is read only for returned matches.
    /// </summary>
    private static async Task FillAsync(ProtectedStore store, int size, string modelVersion)
    {
        var entries = SyntheticGallery.Create(size, seed: 13).Entries;
        var subjects = entries.GroupBy(e => e.SubjectId).Select(g => g.ToArray()).ToArray();
        var vault = store.Vault;
        const int Chunk = 10_000;
        for (var start = 0; start < subjects.Length; start += Chunk)
        {
            var count = Math.Min(Chunk, subjects.Length - start);
            var sealedRows = new (SubjectKeyRecord Subject, TemplateRecord[] Templates)[count];
            Parallel.For(0, count, i =>
            {
                var group = subjects[start + i];
                var subject = group[0].SubjectId;
                var keyId = Guid.NewGuid();
                var dataKey = SubjectDataCipher.NewDataKey();
                var now = DateTimeOffset.UtcNow;
                var templates = group.Select(e =>
                {
                    var id = Guid.NewGuid();
                    return new TemplateRecord(id, subject, e.Purposes, vault.TransformVersion, modelVersion, now, TemplateVault.Seal(dataKey, id, subject, vault.TransformVersion, vault.Protect(e.Vector.Span)));
                }).ToArray();
                sealedRows[i] = (new SubjectKeyRecord(subject, keyId, store.Keys.Wrap(dataKey, KeyBindings.SubjectKey(subject, keyId)), now), templates);
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
            });

            await InsertSealedAsync(store.Database, sealedRows.Select(r => (r.Item1, (IReadOnlyList<TemplateRecord>)r.Item2)));
            Console.Error.Write($"\rsealed and stored {start + count:N0} / {subjects.Length:N0} subjects");
        }

        Console.Error.WriteLine();
    }

    /// <summary>A kiosk camera's frame: the photo scaled to at most 640 px on its long side, JPEG quality 90.</summary>
    private static byte[] KioskJpeg(string path)
    {
        using var source = Cv2.ImRead(path);
        var scale = Math.Min(1.0, 640.0 / Math.Max(source.Width, source.Height));
        using var scaled = new Mat();
        Cv2.Resize(source, scaled, new Size((int)Math.Round(source.Width * scale), (int)Math.Round(source.Height * scale)), 0, 0, InterpolationFlags.Area);
        Cv2.ImEncode(".jpg", scaled, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        return jpeg;
    }

    /// <summary>The one-minute load average: this 2-core machine is shared, and the figures move with it.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
