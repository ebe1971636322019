using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Cli.Reports;
using Visage.Face;
using Visage.Protection;

namespace Visage.Cli.Commands;

/// <summary><c>visage eval pairs|detection|liveness</c> over the shared data, with tables, JSON and plots.</summary>
internal static class EvalCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

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

        var pairs = new Command("pairs", "Verification accuracy on the labelled pair sets.") { data, output, sets };
        pairs.SetAction((parse, ct) => CommandErrors.RunAsync(() => Task.FromResult(
            Pairs(services.GetRequiredService<FaceEngine>(), Root(parse.GetValue(data)), parse.GetValue(output)!.FullName, parse.GetValue(sets), ct))));

        var detection = new Command("detection", "Detection recall and precision at IoU 0.5 on faces/detection/testing.xml.") { data, output };
        detection.SetAction(parse => CommandErrors.RunAsync(() => Task.FromResult(
            Detection(services.GetRequiredService<FaceEngine>(), Root(parse.GetValue(data)), parse.GetValue(output)!.FullName))));

        var liveness = new Command("liveness", "Liveness scores on the labelled real and attack captures in spoof/.") { data, output };
        liveness.SetAction(parse => CommandErrors.RunAsync(() => Task.FromResult(
            Liveness(services.GetRequiredService<FaceEngine>(), Root(parse.GetValue(data)), parse.GetValue(output)!.FullName))));

        var all = new Command("eval", "Evaluate the engine on the shared data.") { pairs, detection, liveness };
        all.SetAction((parse, ct) => CommandErrors.RunAsync(() => Task.FromResult(
            Pairs(services.GetRequiredService<FaceEngine>(), Root(null), Path.Combine("reports", "eval"), null, ct))));
        return all;
    }

    private static string Root(DirectoryInfo? data) => data?.FullName ?? SharedDataLocator.Find();

    private static int Pairs(FaceEngine engine, string root, string outputDirectory, string[]? names, CancellationToken cancellationToken)
    {
        var selected = names is { Length: > 0 } ? names : PairSet.Known.ToArray();
        var sets = selected.Select(n => PairSet.Load(n, root)).ToList();
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

        var results = sets.Select(s => evaluator.Score(s, embeddings)).ToList();
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
        var reportPath = Path.Combine(outputDirectory, "pairs.json");
        WriteReport(reportPath, JsonSerializer.Serialize(
            new
            {
                model = engine.EmbedderModel.ToString(),
                detector = engine.DetectorModel.ToString(),
                threshold = engine.MatchThreshold,
                generatedUtc = DateTime.UtcNow,
                sets = results.Select(r => new
                {
                    r.Name,
                    r.Metrics.Genuine,
                    r.Metrics.Impostor,
                    r.Metrics.AccuracyAtThreshold,
                    r.Metrics.BestAccuracy,
                    r.Metrics.BestThreshold,
                    r.Metrics.RocAuc,
                    r.Metrics.EqualErrorRate,
                    r.Metrics.EqualErrorThreshold,
                    r.Metrics.FalseMatchRate,
                    r.Metrics.FalseNonMatchRate,
                    r.Metrics.TrueAcceptRateAtFar1e2,
                    r.PairsWithDetectionFailure,
                    r.FailedImages,
                }),
            },
            Json));
        AnsiConsole.MarkupLineInterpolated($"report: [blue]{reportPath}[/]; plots: {plots.Count} PNG files in [blue]{outputDirectory}[/]");
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

    private static int Liveness(FaceEngine engine, string root, string outputDirectory)
    {
        var folder = Path.Combine(root, "spoof", "silent_face_anti_spoofing");
        var samples = LivenessSample.Load(Path.Combine(folder, "labels.csv"));
        var results = new List<(LivenessSample Sample, LivenessResult? Result)>();
        foreach (var sample in samples)
        {
            using var image = engine.Decode(File.ReadAllBytes(Path.Combine(folder, sample.File)));
            var faces = engine.Detect(image);
            results.Add((sample, faces.Count == 0 ? null : engine.Liveness.Assess(image, faces[0])));
        }

        var table = new Table().Title(Markup.Escape($"liveness ({engine.Liveness.Model}); off by default until evaluated"))
            .AddColumns("file", "truth", "attack", "live score", "decision", "correct");
        foreach (var (sample, result) in results)
        {
            var correct = result is not null && result.IsLive == sample.IsLive;
            table.AddRow(
                Markup.Escape(sample.File),
                sample.IsLive ? "live" : "attack",
                Markup.Escape(sample.AttackType),
                result is null ? "no face" : Inv($"{result.LiveScore:0.000}"),
                result is null ? "-" : result.IsLive ? "live" : "attack",
                correct ? "[green]yes[/]" : "[red]no[/]");
        }

        AnsiConsole.Write(table);
        var attacks = results.Where(r => !r.Sample.IsLive).ToList();
        var bona = results.Where(r => r.Sample.IsLive).ToList();
        var apcer = attacks.Count(r => r.Result?.IsLive == true) / (double)Math.Max(1, attacks.Count);
        var bpcer = bona.Count(r => r.Result?.IsLive != true) / (double)Math.Max(1, bona.Count);
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"APCER {apcer:P0} ({attacks.Count} attacks), BPCER {bpcer:P0} ({bona.Count} bona fide). Six captures cannot establish error rates; see docs/liveness.md.");
        OwnerOnlyFiles.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, "liveness.json");
        WriteReport(path, JsonSerializer.Serialize(
            new
            {
                model = engine.Liveness.Model.ToString(),
                apcer,
                bpcer,
                samples = results.Select(r => new { r.Sample.File, r.Sample.IsLive, r.Sample.AttackType, liveScore = r.Result?.LiveScore, decidedLive = r.Result?.IsLive }),
            },
            Json));
        return ExitCodes.Success;
    }

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reports name the set's images and may be a site's own: owner-only, like everything else Visage writes.</summary>
    private static void WriteReport(string path, string json)
    {
        using var stream = OwnerOnlyFiles.OpenForWriting(path, FileMode.Create);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(json));
    }
}
