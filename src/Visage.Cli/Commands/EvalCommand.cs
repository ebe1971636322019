using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Cli.Reports;
using Visage.Face;
using Visage.Protection;
using Visage.Workflows.ActiveLiveness;
using Visage.Workflows.Recognition;

namespace Visage.Cli.Commands;

/// <summary><c>visage eval pairs|detection|liveness</c> over the shared data, with tables, JSON and plots.</summary>
internal static class EvalCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Verdicts as words, not numbers.</summary>
    private static readonly JsonSerializerOptions CalibrationJson = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static Command Create(IServiceProvider services)
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "Shared data folder (default: VISAGE_TEST_DATA or ../shared/data)." };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder for the JSON report and PNG plots.",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("reports", "eval")),
        };
        var sets = new Option<string[]>("--set")
        {
            Description = $"Pair sets to evaluate: {string.Join(", ", PairSet.Known)} (default: all).",
            AllowMultipleArgumentsPerToken = true,
        };

        var pairFiles = new Option<FileInfo[]>("--pairs")
        {
            Description = $"A site's pair file in the shared form ({PairSet.CsvHeader}; paths relative to the file; 1/0 or yes/no); repeatable.",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var labels = new Option<FileInfo[]>("--labels")
        {
            Description = $"A labels file ({LabelSet.CsvHeader}; empty = unknown); repeatable. Adds subgroup figures. See docs/evaluation.md.",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var labelsBase = new Option<DirectoryInfo?>("--labels-base") { Description = "Folder the labels files' image paths are relative to (default: each labels file's folder)." };
        var subgroup = new SubgroupOptions();
        var minGenuine = IntegerOption.Create("--min-genuine-pairs", "Fewer genuine pairs: a subgroup is too small to judge", subgroup.MinGenuinePairs, 1, 1_000_000);
        var minImpostor = IntegerOption.Create("--min-impostor-pairs", "Fewer impostor pairs: a subgroup is too small to judge", subgroup.MinImpostorPairs, 1, 1_000_000);
        var minIdentities = IntegerOption.Create("--min-identities", "Fewer distinct people: a subgroup is too small to judge", subgroup.MinIdentities, 1, 1_000_000);
        var replicates = IntegerOption.Create("--bootstrap", "Bootstrap replicates for FNMR at fixed FMR", subgroup.BootstrapReplicates, 0, 100_000);
        var seed = IntegerOption.Create("--seed", "Bootstrap seed", subgroup.Seed, 0, int.MaxValue);

        var pairs = new Command("pairs", "Verification accuracy on labelled pair sets, overall and per subgroup with confidence intervals.")
        {
            data, output, sets, pairFiles, labels, labelsBase, minGenuine, minImpostor, minIdentities, replicates, seed,
        };
        pairs.SetAction((parse, ct) => CommandErrors.RunAsync(() => Task.FromResult(Pairs(
            services.GetRequiredService<FaceEngine>(),
            new PairsRequest(
                Root(parse.GetValue(data)),
                parse.GetValue(output)!.FullName,
                parse.GetValue(sets) ?? [],
                [.. (parse.GetValue(pairFiles) ?? []).Select(f => f.FullName)],
                [.. (parse.GetValue(labels) ?? []).Select(f => f.FullName)],
                parse.GetValue(labelsBase)?.FullName,
                new SubgroupOptions
                {
                    MinGenuinePairs = parse.GetValue(minGenuine),
                    MinImpostorPairs = parse.GetValue(minImpostor),
                    MinIdentities = parse.GetValue(minIdentities),
                    BootstrapReplicates = parse.GetValue(replicates),
                    Seed = parse.GetValue(seed),
                }),
            ct))));

        var detection = new Command("detection", "Detection recall and precision at IoU 0.5 on faces/detection/testing.xml.") { data, output };
        detection.SetAction(parse => CommandErrors.RunAsync(() => Task.FromResult(
            Detection(services.GetRequiredService<FaceEngine>(), Root(parse.GetValue(data)), parse.GetValue(output)!.FullName))));

        var livenessLabels = new Option<FileInfo?>("--labels")
        {
            Description = $"A site's labelled captures ({LivenessSample.SiteHeader}; label bona-fide, print, screen, …; paths relative to the file). Default: the shared spoof set. See docs/evaluation.md.",
        };
        var liveness = new Command("liveness", "Liveness as ISO/IEC 30107-3: APCER per attack species and BPCER with intervals, for the passive model, the active challenge and both.")
        {
            data, output, livenessLabels,
        };
        liveness.SetAction(parse => CommandErrors.RunAsync(() => Task.FromResult(Liveness(
            services.GetRequiredService<FaceEngine>(),
            services.GetRequiredService<ActiveLivenessChecker>(),
            parse.GetValue(livenessLabels)?.FullName ?? Path.Combine(Root(parse.GetValue(data)), "spoof", "silent_face_anti_spoofing", "labels.csv"),
            parse.GetValue(output)!.FullName))));

        var targetFmr = RateOption.Create("--target-fmr", "FMR an accepted match may have", RecognitionCalibration.DefaultTargetFmr);
        var reviewFmr = RateOption.Create("--review-fmr", "Looser FMR where the review band starts", RecognitionCalibration.DefaultReviewFmr);
        var maxFpir = RateOption.CreateOptional("--max-fpir", "FPIR a 1:N search may have to accept on its own (default: the target FMR)");
        var calibrate = new Command("calibrate", "Thresholds per recognition context at a target FMR, their review bands, and 1:N false positives by gallery size.")
        {
            data, output, sets, pairFiles, targetFmr, reviewFmr, maxFpir,
        };
        calibrate.SetAction((parse, ct) => CommandErrors.RunAsync(() => Task.FromResult(Calibrate(
            services.GetRequiredService<FaceEngine>(),
            new CalibrationRequest(
                Root(parse.GetValue(data)),
                parse.GetValue(output)!.FullName,
                parse.GetValue(sets) ?? [],
                [.. (parse.GetValue(pairFiles) ?? []).Select(f => f.FullName)],
                parse.GetValue(targetFmr),
                parse.GetValue(reviewFmr),
                parse.GetValue(maxFpir)),
            ct))));

        var all = new Command("eval", "Evaluate the engine on the shared data.") { pairs, detection, liveness, calibrate };
        foreach (var command in EvalRecordCommands.Create(services))
        {
            all.Subcommands.Add(command);
        }

        all.SetAction((parse, ct) => CommandErrors.RunAsync(() => Task.FromResult(Pairs(
            services.GetRequiredService<FaceEngine>(),
            new PairsRequest(Root(null), Path.Combine("reports", "eval"), [], [], [], null, new SubgroupOptions()),
            ct))));
        return all;
    }

    private static string Root(DirectoryInfo? data) => data?.FullName ?? SharedDataLocator.Find();

    private static int Pairs(FaceEngine engine, PairsRequest request, CancellationToken cancellationToken)
    {
        var outputDirectory = request.OutputDirectory;
        var selected = request.Sets.Count > 0 || request.PairFiles.Count > 0 ? request.Sets : PairSet.Known;
        var sets = LoadSets(request.DataRoot, selected, request.PairFiles);
        var labels = request.LabelFiles.Count > 0 ? LabelSet.Load(request.LabelFiles, request.LabelsBase) : LabelSet.Empty;

        var results = Score(engine, sets, cancellationToken);
        var table = new Table().Title($"verification, threshold {engine.MatchThreshold.ToString("0.00", CultureInfo.InvariantCulture)}, model {Markup.Escape(engine.EmbedderModel.ToString())}")
            .AddColumns("set", "pairs (gen/imp)", "acc @thr", "best acc (thr)", "ROC AUC", "EER", "FMR @thr", "FNMR @thr", "TAR @FAR 1e-2", "detection failures");
        foreach (var r in results)
        {
            var m = r.Metrics;
            table.AddRow(
                r.Name,
                Inv($"{m.Genuine}/{m.Impostor}"),
                Inv($"{m.AccuracyAtThreshold:P2}"),
                Inv($"{m.BestAccuracy:P2} ({m.BestThreshold:0.000})"),
                Inv($"{m.RocAuc:0.0000}"),
                Inv($"{m.EqualErrorRate:P2}"),
                Inv($"{m.FalseMatchRate:P2}"),
                Inv($"{m.FalseNonMatchRate:P2}"),
                m.TrueAcceptRateAtFar1e2 is { } tar ? Inv($"{tar:P2}") : "n/a (<100 impostors)",
                r.PairsWithDetectionFailure == 0 ? "0" : Inv($"{r.PairsWithDetectionFailure} pairs: {string.Join(" ", r.FailedImages)}"));
        }

        AnsiConsole.Write(table);
        OwnerOnlyFiles.CreateDirectory(outputDirectory);
        var plots = results.SelectMany(r => EvaluationPlots.Write(r, outputDirectory)).ToList();
        var subgroups = sets.Zip(results, (set, r) => SubgroupEvaluator.Evaluate(set, r.PairScores, labels, engine.MatchThreshold, engine.EmbedderModel.ToString(), request.Subgroups)).ToList();
        foreach (var report in subgroups)
        {
            SubgroupTable.Write(report);
            plots.AddRange(SubgroupPlots.Write(report, outputDirectory));
        }

        var reportPath = Path.Combine(outputDirectory, "pairs.json");
        WriteReport(reportPath, JsonSerializer.Serialize(
            new
            {
                model = engine.EmbedderModel.ToString(),
                detector = engine.DetectorModel.ToString(),
                threshold = engine.MatchThreshold,
                generatedUtc = DateTime.UtcNow,
                labels = labels.Provenance,

                // What the promotion gates judge at each context's thresholds as configured when the model is promoted.
                pooled = PooledScores.Pool(sets, results),
                sets = results.Zip(sets, subgroups).Select(x => (r: x.First, set: x.Second, subgroups: x.Third)).Select(x => new
                {
                    x.r.Name,
                    x.set.Provenance,
                    MissingImages = x.set.Missing,
                    x.r.Metrics.Genuine,
                    x.r.Metrics.Impostor,
                    x.r.Metrics.AccuracyAtThreshold,
                    x.r.Metrics.BestAccuracy,
                    x.r.Metrics.BestThreshold,
                    x.r.Metrics.RocAuc,
                    x.r.Metrics.EqualErrorRate,
                    x.r.Metrics.EqualErrorThreshold,
                    x.r.Metrics.FalseMatchRate,
                    x.r.Metrics.FalseNonMatchRate,
                    x.r.Metrics.TrueAcceptRateAtFar1e2,
                    x.r.PairsWithDetectionFailure,
                    x.r.FailedImages,
                    Subgroups = x.subgroups,
                }),
            },
            Json));
        var page = EvaluationHtml.Write(outputDirectory, engine.EmbedderModel.ToString(), engine.MatchThreshold, results, subgroups, plots);
        AnsiConsole.MarkupLineInterpolated($"report: [blue]{reportPath}[/] and [blue]{page}[/]; plots: {plots.Count} PNG files in [blue]{outputDirectory}[/]");
        return ExitCodes.Success;
    }

    /// <summary>Built-in sets by name and a site's pair files; a pair left out for a missing image is warned about by line.</summary>
    private static List<PairSet> LoadSets(string dataRoot, IReadOnlyList<string> names, IReadOnlyList<string> pairFiles)
    {
        var unknown = names.Where(n => !PairSet.Known.Contains(n, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new EvaluationSetException($"unknown --set; known: {string.Join(", ", PairSet.Known)}.");
        }

        var sets = names.Select(n => PairSet.Load(n, dataRoot)).Concat(pairFiles.Select(PairSet.LoadCsv)).ToList();
        foreach (var set in sets.Where(s => s.Missing.Count > 0))
        {
            // Lines, not paths, on the terminal: a file name can carry a patient's name. The private report has the paths.
            var lines = set.Missing.Take(20).Select(m => Inv($"line {m.Line} ({m.Column})"));
            AnsiConsole.MarkupLineInterpolated(
                CultureInfo.InvariantCulture,
                $"[yellow]warning:[/] {set.Name}: {set.Missing.Select(m => m.Line).Distinct().Count()} pairs left out, image not found: {string.Join(", ", lines)}{(set.Missing.Count > 20 ? ", …" : string.Empty)}");
        }

        return sets;
    }

    /// <summary>Embeds every image of the sets once (with a progress bar), then scores each set's pairs.</summary>
    private static List<PairSetResult> Score(FaceEngine engine, IReadOnlyList<PairSet> sets, CancellationToken cancellationToken)
    {
        var evaluator = new PairEvaluator(engine);
        IReadOnlyDictionary<string, FaceEmbedding?> embeddings = new Dictionary<string, FaceEmbedding?>();
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(ctx =>
        {
            var task = ctx.AddTask("embedding images");
            embeddings = evaluator.EmbedAll(
                sets.SelectMany(s => s.Pairs).SelectMany(p => new[] { p.PathA, p.PathB }),
                new Progress<(int Done, int Total)>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                }),
                cancellationToken);
            task.Value = task.MaxValue;
        });

        return [.. sets.Select(s => evaluator.Score(s, embeddings))];
    }

    private static int Calibrate(FaceEngine engine, CalibrationRequest request, CancellationToken cancellationToken)
    {
        if (request.ReviewFmr <= request.TargetFmr)
        {
            throw new EvaluationSetException(Inv($"--review-fmr ({request.ReviewFmr}) must be above --target-fmr ({request.TargetFmr}): the review band lies below the accept threshold."));
        }

        var names = request.Sets.Count > 0 || request.PairFiles.Count > 0 ? request.Sets : PairSet.Known;
        var sets = LoadSets(request.DataRoot, names, request.PairFiles);
        var results = Score(engine, sets, cancellationToken);

        // One calibration pool; a pair two sets share (the deepface lists overlap) counts once.
        var pooled = PooledScores.Pool(sets, results);
        var calibration = RecognitionCalibration.Calibrate(pooled.Genuine, pooled.Impostor, request.TargetFmr, request.ReviewFmr, request.MaxFpir, GalleryFalsePositives.StandardGallerySizes);
        CalibrationTable.Write(calibration, engine.EmbedderModel.ToString());
        OwnerOnlyFiles.CreateDirectory(request.OutputDirectory);
        var plot = CalibrationPlot.Write(calibration, request.OutputDirectory);
        var path = Path.Combine(request.OutputDirectory, "calibration.json");
        WriteReport(path, JsonSerializer.Serialize(
            new
            {
                model = engine.EmbedderModel.ToString(),
                detector = engine.DetectorModel.ToString(),
                generatedUtc = DateTime.UtcNow,
                sets = sets.Zip(results).Select(x => new { x.First.Name, x.First.Provenance, MissingImages = x.First.Missing, x.Second.PairsWithDetectionFailure }),
                calibration,
            },
            CalibrationJson));
        AnsiConsole.MarkupLineInterpolated($"report: [blue]{path}[/]; plot: [blue]{plot}[/]");
        return ExitCodes.Success;
    }

    private static int Detection(FaceEngine engine, string root, string outputDirectory)
    {
        var images = DetectionMetrics.LoadAnnotations(Path.Combine(root, "faces", "detection", "testing.xml"));
        var perImage = new List<(int, int, int)>();
        var rows = new List<object>();
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask("detecting", maxValue: images.Count);
            foreach (var annotated in images)
            {
                using var image = engine.Decode(File.ReadAllBytes(annotated.Path));
                var found = engine.Detect(image).Select(f => f.Box).ToList();
                var match = DetectionMetrics.Match(annotated.Boxes, found, 0.5);
                perImage.Add(match);
                rows.Add(new { image = Path.GetFileName(annotated.Path), annotated = match.Annotated, detected = match.Detected, matched = match.Matched });
                task.Increment(1);
            }
        });

        var metrics = DetectionMetrics.Summarise(perImage, 0.5);
        var table = new Table().Title(Markup.Escape($"detection at IoU 0.5, detector {engine.DetectorModel}"))
            .AddColumns("images", "annotated faces", "detections", "matched", "recall", "precision");
        table.AddRow(Inv($"{metrics.Images}"), Inv($"{metrics.Annotated}"), Inv($"{metrics.Detected}"), Inv($"{metrics.Matched}"), Inv($"{metrics.Recall:P1}"), Inv($"{metrics.Precision:P1}"));
        AnsiConsole.Write(table);
        OwnerOnlyFiles.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, "detection.json");
        WriteReport(path, JsonSerializer.Serialize(new { detector = engine.DetectorModel.ToString(), metrics, images = rows }, Json));
        AnsiConsole.MarkupLineInterpolated($"report: [blue]{path}[/]");
        return ExitCodes.Success;
    }

    private static int Liveness(FaceEngine engine, ActiveLivenessChecker activeChallenge, string labelsFile, string outputDirectory)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(labelsFile))!;
        var samples = LivenessSample.Load(labelsFile);
        var results = new List<LivenessCaptureResult>();
        foreach (var sample in samples)
        {
            var path = Path.Combine(folder, sample.File);
            if (!File.Exists(path))
            {
                throw new EvaluationSetException(Inv($"{Path.GetFileName(labelsFile)} line {sample.Line}: the image is not there."));
            }

            var bytes = File.ReadAllBytes(path);
            using var image = engine.Decode(bytes);
            var faces = engine.Detect(image);
            var passive = faces.Count == 0 ? null : engine.Liveness.Assess(image, faces[0]);

            // A still can only be presented to the active challenge as itself, held still: an attack can be judged that way,
            // a real person's still cannot stand for their turning head.
            bool? active = sample.IsLive ? null : activeChallenge.Verify(activeChallenge.Issue().Nonce, [bytes, bytes, bytes]).Passed;
            results.Add(new LivenessCaptureResult(sample, passive, active));
        }

        var table = new Table().Title(Markup.Escape($"liveness ({engine.Liveness.Model}); off by default until evaluated"))
            .AddColumns("file", "truth", "attack", "live score", "decision", "correct", "active (still held 3 frames)");
        foreach (var (sample, result, active) in results)
        {
            var correct = result is not null && result.IsLive == sample.IsLive;
            table.AddRow(
                Markup.Escape(sample.File),
                sample.IsLive ? "live" : "attack",
                Markup.Escape(sample.Species),
                result is null ? "no face" : Inv($"{result.LiveScore:0.000}"),
                result is null ? "-" : result.IsLive ? "live" : "attack",
                correct ? "[green]yes[/]" : "[red]no[/]",
                active is null ? "not from a still" : active.Value ? "[red]passed[/]" : "refused");
        }

        AnsiConsole.Write(table);

        // No face found: not accepted. It is an error for a bona fide capture and a stopped attack.
        var passiveOutcomes = results.Select(r => new PresentationOutcome(r.Sample.Species, r.Passive?.IsLive == true)).ToList();
        var attacks = results.Where(r => !r.Sample.IsLive).ToList();
        var passiveBpcer = PresentationAttackMetrics.Compute("passive", passiveOutcomes).Bpcer;
        var stillsOnly = "not measured from still images: a genuine response is a head turning; the bench's liveness-active runner builds a few from photo sequences (docs/liveness.md)";
        PresentationAttackReport[] reports =
        [
            PresentationAttackMetrics.Compute(Inv($"passive ({engine.Liveness.Model}, live ≥ {results.Select(r => r.Passive?.Threshold).FirstOrDefault(t => t is not null):0.00})"), passiveOutcomes)
                with { Combination = PresentationAttackMetrics.Passive },
            PresentationAttackMetrics.Compute(
                engine.PassiveLivenessEnabled ? "active, still held 3 frames (with the passive model, as configured)" : "active, still held 3 frames",
                [.. attacks.Select(r => new PresentationOutcome(r.Sample.Species, r.Active == true))],
                stillsOnly) with { Combination = PresentationAttackMetrics.Active },
            PresentationAttackMetrics.Compute(
                "passive and active (both must pass)",
                [.. attacks.Select(r => new PresentationOutcome(r.Sample.Species, r.Passive?.IsLive == true && r.Active == true))],
                Inv($"{stillsOnly}; at least the passive model's {passiveBpcer?.Rate.Errors ?? 0} of {passiveBpcer?.Rate.Trials ?? 0}, since either refusing refuses"))
                with { Combination = PresentationAttackMetrics.PassiveAndActive },
        ];
        PresentationAttackTable.Write(reports, samples.Count(s => s.IsLive), attacks.Count);

        var apcer = attacks.Count(r => r.Passive?.IsLive == true) / (double)Math.Max(1, attacks.Count);
        var bona = results.Where(r => r.Sample.IsLive).ToList();
        var bpcer = bona.Count(r => r.Passive?.IsLive != true) / (double)Math.Max(1, bona.Count);
        OwnerOnlyFiles.CreateDirectory(outputDirectory);
        var reportPath = Path.Combine(outputDirectory, "liveness.json");
        WriteReport(reportPath, JsonSerializer.Serialize(
            new
            {
                model = engine.Liveness.Model.ToString(),
                labels = Path.GetFileName(labelsFile),
                apcer,
                bpcer,
                iso30107 = reports,
                samples = results.Select(r => new { r.Sample.File, r.Sample.IsLive, r.Sample.AttackType, r.Sample.Species, liveScore = r.Passive?.LiveScore, decidedLive = r.Passive?.IsLive, activePassed = r.Active }),
            },
            Json));
        AnsiConsole.MarkupLineInterpolated($"report: [blue]{reportPath}[/]");
        return ExitCodes.Success;
    }

    /// <summary>One labelled capture: the passive model's result (null: no face) and the active challenge's (null: not judged from a still).</summary>
    private sealed record LivenessCaptureResult(LivenessSample Sample, LivenessResult? Passive, bool? Active);

    /// <summary>What <c>eval calibrate</c> was asked: the calibration pairs and the rates to calibrate for.</summary>
    private sealed record CalibrationRequest(
        string DataRoot,
        string OutputDirectory,
        IReadOnlyList<string> Sets,
        IReadOnlyList<string> PairFiles,
        double TargetFmr,
        double ReviewFmr,
        double? MaxFpir);

    /// <summary>What <c>eval pairs</c> was asked: built-in sets and a site's files, labels, and the subgroup settings.</summary>
    private sealed record PairsRequest(
        string DataRoot,
        string OutputDirectory,
        IReadOnlyList<string> Sets,
        IReadOnlyList<string> PairFiles,
        IReadOnlyList<string> LabelFiles,
        string? LabelsBase,
        SubgroupOptions Subgroups);

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reports name the set's images and may be a site's own: owner-only, like everything else Visage writes.</summary>
    private static void WriteReport(string path, string json)
    {
        using var stream = OwnerOnlyFiles.OpenForWriting(path, FileMode.Create);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(json));
    }
}
