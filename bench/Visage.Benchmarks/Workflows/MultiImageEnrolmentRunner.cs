using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Visage.Benchmarks.Gallery;
using Visage.Face;
using Visage.Gallery;
using Visage.Workflows.ActiveLiveness;
using Visage.Workflows.Enrolment;
using Visage.Workflows.Recognition;
using static Visage.Benchmarks.RunnerSupport;

namespace Visage.Benchmarks.Workflows;

/// <summary>
/// <c>multi-enrolment [--data DIR] [--rounds 40] [--subjects 10000,100000] [--queries 300]</c>: multi-image enrolment
/// on the shared sets (issue 15, item 7). Identities are the shared pair sets' people (images joined by genuine pairs,
/// <see cref="IdentityClusters"/>); an image is usable when the enrolment path (<see cref="CaptureInspector"/> with the
/// quality gate) accepts it. Accuracy: <see cref="MultiImageEnrolmentProtocol"/> for k = 1, 2, 3, best-of (one template per
/// image, the gallery's max) against the mean template, at the check-in thresholds and the engine's. Cost, in the same
/// run: enrolment of k kiosk-sized images against one image-to-template, and a search of the whole gallery with k
/// templates per subject against one. Writes <c>artifacts/bench/multi-enrolment.md</c>.
/// </summary>
internal static class MultiImageEnrolmentRunner
{
    private const int MaxK = 3;
    private static readonly float[] Thresholds = [0.30f, 0.40f, 0.45f];

    public static int Run(string[] args)
    {
        var data = Option(args, "--data", SharedDataLocator.Find());
        var rounds = int.Parse(Option(args, "--rounds", "40"), CultureInfo.InvariantCulture);
        var subjects = Option(args, "--subjects", "10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var queries = int.Parse(Option(args, "--queries", "300"), CultureInfo.InvariantCulture);
        using var engine = new FaceEngine(new FaceEngineOptions(), ModelStore.OpenDefault(null));
        var inspector = new CaptureInspector(engine, new ActiveLivenessChecker(engine, TimeProvider.System, Options.Create(new ActiveLivenessOptions())), Options.Create(new RecognitionOptions()));

        var lines = new List<string> { $"Model {engine.EmbedderModel}; load average at start {BenchGallery.LoadAverage()}.", string.Empty };
        var sets = new (string Name, string[] PairSets)[]
        {
            ("deepface", [PairSet.DeepfaceMaster, PairSet.DeepfacePivot]),
            ("dlib-johns", [PairSet.DlibJohns]),
        };
        var accuracy = new List<string>
        {
            "| set | k | scoring | identities | probes (genuine / impostor) | trials (genuine / impostor) | FNMR @0.30 | FNMR @0.40 | FNMR @0.45 | FMR @0.30 | FMR @0.40 | FMR @0.45 | ROC AUC | d′ | genuine / impostor mean | genuine min / impostor max |",
            "|---|---:|---|---:|---|---|---|---|---|---|---|---|---:|---:|---|---|",
        };
        IReadOnlyList<string> costImages = [];
        foreach (var (name, pairSets) in sets)
        {
            var identities = LoadIdentities(name, pairSets.Select(s => PairSet.Load(s, data)).ToList(), inspector, lines);
            if (costImages.Count == 0)
            {
                costImages = identities.Images.FirstOrDefault(p => p.Count >= MaxK)?.Take(MaxK).ToList()
                    ?? throw new InvalidOperationException($"{name}: no person with {MaxK} usable images to time enrolment with.");
            }

            for (var k = 1; k <= MaxK; k++)
            {
                Console.Error.WriteLine($"{name}: scoring k = {k}");
                foreach (var scores in MultiImageEnrolmentProtocol.Score(identities.Embeddings, k).Where(s => k > 1 || s.Scoring == EnrolmentScoring.BestOf))
                {
                    accuracy.Add(AccuracyRow(name, scores));
                }
            }
        }

        lines.AddRange([string.Empty, "Accuracy (k = 1: one template, best-of and mean coincide)", string.Empty]);
        lines.AddRange(accuracy);
        lines.AddRange([string.Empty, "Enrolment cost against one image-to-template (same run, interleaved)", string.Empty]);
        var (enrolmentRows, imageToTemplate) = EnrolmentCost(engine, inspector, costImages, rounds);
        lines.AddRange(enrolmentRows);
        lines.AddRange([string.Empty, "Probe-time search cost: search of the whole gallery for the check-in purpose (top 4, >= 0.30), one thread", string.Empty]);
        lines.AddRange(SearchCost(subjects, queries, imageToTemplate));
        lines.Add(string.Empty);
        lines.Add($"Load average at end {BenchGallery.LoadAverage()}.");

        Console.WriteLine();
        lines.ForEach(Console.WriteLine);
        Directory.CreateDirectory("artifacts/bench");
        File.WriteAllLines("artifacts/bench/multi-enrolment.md", lines);
        return 0;
    }

    private sealed record SetIdentities(IReadOnlyList<EnrolmentIdentity> Embeddings, IReadOnlyList<IReadOnlyList<string>> Images);

    /// <summary>The set's people, each with the images the enrolment path accepts, embedded once.</summary>
    private static SetIdentities LoadIdentities(string name, IReadOnlyList<PairSet> pairSets, CaptureInspector inspector, List<string> lines)
    {
        var pairs = pairSets.SelectMany(s => s.Pairs).ToList();
        var clusters = IdentityClusters.Build(pairs, LabelSet.Empty);
        if (clusters.Conflicts > 0)
        {
            throw new InvalidOperationException($"{name}: the pair files contradict themselves ({clusters.Conflicts} pairs); identities are not clear.");
        }

        var images = pairs.SelectMany(p => new[] { p.PathA, p.PathB }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var refused = new Dictionary<string, int>(StringComparer.Ordinal);
        var usable = new Dictionary<string, FaceEmbedding>(StringComparer.Ordinal);
        for (var i = 0; i < images.Count; i++)
        {
            try
            {
                usable[images[i]] = inspector.Inspect(new FaceCapture(File.ReadAllBytes(images[i])), qualityGate: true).Embedding;
            }
            catch (WorkflowRefusedException refusal)
            {
                refused[refusal.Code] = refused.GetValueOrDefault(refusal.Code) + 1;
            }

            Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{name}: embedding {i + 1}/{images.Count}"));
        }

        Console.Error.WriteLine();
        var people = images.Where(usable.ContainsKey)
            .GroupBy(clusters.Of)
            .Select(g => g.ToList())
            .OrderBy(g => g[0], StringComparer.Ordinal)
            .ToList();
        var taking = people.Where(p => p.Count >= MultiImageEnrolmentProtocol.MinImages).ToList();
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: {images.Count} images in its pair files, {usable.Count} usable for enrolment (refused: {(refused.Count == 0 ? "none" : string.Join(", ", refused.Select(r => $"{r.Key} {r.Value}")))}); {people.Count} people, {taking.Count} with >= {MultiImageEnrolmentProtocol.MinImages} usable images ({string.Join(", ", taking.Select(p => p.Count))} images)."));
        return new SetIdentities(
            taking.Select((p, i) => new EnrolmentIdentity(string.Create(CultureInfo.InvariantCulture, $"{name}-{i + 1}"), p.Select(image => usable[image]).ToList())).ToList(),
            taking);
    }

    private static string AccuracyRow(string set, EnrolmentScores s)
    {
        var (genuine, impostor) = (s.Genuine.Select(t => t.Score).ToList(), s.Impostor.Select(t => t.Score).ToList());
        var metrics = VerificationMetrics.Compute(genuine, impostor, 0.40f);
        var fnmr = Thresholds.Select(t => Rate(s.Genuine.Where(g => g.Score < t).ToList(), s.Genuine.Count));
        var fmr = Thresholds.Select(t => Rate(s.Impostor.Where(i => i.Score >= t).ToList(), s.Impostor.Count));
        var scoring = s.K == 1 ? "single" : s.Scoring == EnrolmentScoring.BestOf ? "best-of" : "mean";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {set} | {s.K} | {scoring} | {s.EnrolledIdentities} | {s.GenuineProbes} / {s.ImpostorProbes} | {s.Genuine.Count} / {s.Impostor.Count} | {string.Join(" | ", fnmr)} | {string.Join(" | ", fmr)} | {metrics.RocAuc:0.000000} | {DPrime(genuine, impostor):0.00} | {genuine.Average():0.000} / {impostor.Average():0.000} | {genuine.Min():0.000} / {impostor.Max():0.000} |");
    }

    /// <summary>The rate with its Wilson interval over trials, then the errors and how many distinct probe images made them.</summary>
    private static string Rate(IReadOnlyList<EnrolmentTrial> errors, int trials)
    {
        var r = RateEstimate.Wilson(errors.Count, trials);
        return string.Create(CultureInfo.InvariantCulture, $"{r.Rate * 100:0.00} % [{r.Lower * 100:0.00}, {r.Upper * 100:0.00}] ({r.Errors}; {errors.Select(e => e.Probe).Distinct().Count()} p.)");
    }

    /// <summary>(mean genuine − mean impostor) / √((σ²genuine + σ²impostor) / 2), as in the flip measurement.</summary>
    private static double DPrime(IReadOnlyList<float> genuine, IReadOnlyList<float> impostor)
    {
        static (double Mean, double Variance) Moments(IReadOnlyList<float> x)
        {
            var mean = x.Average(v => (double)v);
            return (mean, x.Sum(v => (v - mean) * (v - mean)) / x.Count);
        }

        var (g, i) = (Moments(genuine), Moments(impostor));
        return (g.Mean - i.Mean) / Math.Sqrt((g.Variance + i.Variance) / 2);
    }

    /// <summary>
    /// Interleaved rounds: each image's image-to-template (the reference, averaged over the images), then enrolment of
    /// k images through the enrolment path, once keeping a template per image and once making the mean. Returns the rows
    /// and the median image-to-template, the reference the search cost is divided by.
    /// </summary>
    private static (List<string> Rows, double ImageToTemplate) EnrolmentCost(FaceEngine engine, CaptureInspector inspector, IReadOnlyList<string> paths, int rounds)
    {
        var captures = paths.Select(p => new FaceCapture(BenchGallery.KioskJpeg(p))).ToList();
        var reference = new List<double>();
        var enrol = new Dictionary<(int K, EnrolmentScoring Scoring), List<double>>();
        var clock = new Stopwatch();
        for (var round = -5; round < rounds; round++)
        {
            clock.Restart();
            foreach (var capture in captures)
            {
                _ = engine.CreateTemplate(capture.Image);
            }

            var perImage = clock.Elapsed.TotalMilliseconds / captures.Count;
            var times = new List<((int, EnrolmentScoring), double)>();
            for (var k = 1; k <= captures.Count; k++)
            {
                // Which of the two goes first alternates, so neither always follows the reference.
                foreach (var scoring in round % 2 == 0 ? new[] { EnrolmentScoring.BestOf, EnrolmentScoring.Mean } : [EnrolmentScoring.Mean, EnrolmentScoring.BestOf])
                {
                    clock.Restart();
                    List<FaceEmbedding> templates = [.. captures.Take(k).Select(c => inspector.Inspect(c, qualityGate: true).Embedding)];
                    if (scoring == EnrolmentScoring.Mean)
                    {
                        templates = [MeanTemplate.Of(templates)];
                    }

                    times.Add(((k, scoring), clock.Elapsed.TotalMilliseconds));
                }
            }

            if (round >= 0)
            {
                reference.Add(perImage);
                foreach (var (key, ms) in times)
                {
                    (enrol.TryGetValue(key, out var list) ? list : enrol[key] = []).Add(ms);
                }

                Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\renrolment cost: round {round + 1}/{rounds}"));
            }
        }

        Console.Error.WriteLine();
        var imageToTemplate = BenchGallery.Percentile(reference, 0.5);
        var rows = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{rounds} rounds after 5 of warm-up; images: {captures.Count} kiosk-sized photos of one person (<= 640 px, JPEG q90); image-to-template median {imageToTemplate:0.0} ms (the per-image mean of each round)."),
            string.Empty,
            "| k | enrolment | templates stored | median (ms) | ratio to one image-to-template |",
            "|---:|---|---:|---:|---:|",
        };
        foreach (var ((k, scoring), list) in enrol.OrderBy(e => e.Key.K).ThenBy(e => e.Key.Scoring))
        {
            var median = BenchGallery.Percentile(list, 0.5);
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {k} | {(scoring == EnrolmentScoring.BestOf ? "template per image (best-of)" : "mean template")} | {(scoring == EnrolmentScoring.BestOf ? k : 1)} | {median:0.0} | {median / imageToTemplate:0.00} |"));
        }

        return (rows, imageToTemplate);
    }

    /// <summary>
    /// The search a claimed check-in runs over the whole gallery (the mismatch check) with 1, 2 and 3 templates per subject:
    /// the three galleries hold the same subjects (the k-template one adds templates to the others'), and every probe
    /// searches all three in turn, so load on this shared machine falls on each alike.
    /// </summary>
    private static List<string> SearchCost(IReadOnlyList<int> subjectCounts, int queries, double imageToTemplate)
    {
        var query = new GalleryQuery(Purposes.CheckIn, TopK: 4, MinScore: 0.30f);
        var rows = new List<string>
        {
            "| subjects | templates per subject | templates | gallery memory (MB) | search p50 / p99 (ms) | p50 ratio to one image-to-template | probe (image-to-template + search) ratio |",
            "|---:|---:|---:|---:|---|---:|---:|",
        };
        foreach (var count in subjectCounts)
        {
            Console.Error.WriteLine($"search cost: {count:N0} subjects, building galleries of 1 to {MaxK} templates each");
            var synthetic = SyntheticGallery.Create(count * MaxK, seed: count);
            var ids = Enumerable.Range(1, count).Select(i => new Guid(i, 0, 0, new byte[8])).ToArray();
            var galleries = new List<FaceGallery>();
            try
            {
                for (var k = 1; k <= MaxK; k++)
                {
                    var gallery = new FaceGallery();
                    galleries.Add(gallery);
                    gallery.AddRange(synthetic.Entries.Where((_, i) => i % MaxK < k).Select((e, i) => e with { SubjectId = ids[i / k] }));
                }

                var probes = synthetic.Probes(queries / 2, queries - (queries / 2), seed: count + 1);
                var times = galleries.Select(_ => new List<double>(probes.Length)).ToList();
                var clock = new Stopwatch();
                for (var q = -20; q < probes.Length; q++)
                {
                    var probe = probes[Math.Max(q, 0)].Probe;
                    for (var turn = 0; turn < galleries.Count; turn++)
                    {
                        var g = (turn + Math.Max(q, 0)) % galleries.Count;
                        clock.Restart();
                        _ = galleries[g].Search(probe, query);
                        if (q >= 0)
                        {
                            times[g].Add(clock.Elapsed.TotalMilliseconds);
                        }
                    }
                }

                for (var k = 1; k <= MaxK; k++)
                {
                    var (p50, p99) = (BenchGallery.Percentile(times[k - 1], 0.5), BenchGallery.Percentile(times[k - 1], 0.99));
                    rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {count:N0} | {k} | {galleries[k - 1].Count:N0} | {galleries[k - 1].ApproximateBytes / 1e6:0.0} | {p50:0.00} / {p99:0.00} | {p50 / imageToTemplate:0.000} | {(imageToTemplate + p50) / imageToTemplate:0.00} |"));
                }
            }
            finally
            {
                galleries.ForEach(g => g.Dispose());
            }
        }

        return rows;
    }
}
