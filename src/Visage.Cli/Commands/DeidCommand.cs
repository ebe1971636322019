using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Visage.Audit;
using Visage.Deid;
using Visage.Deid.Batch;
using Visage.Deid.Reports;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage deid photos|dicom IN OUT</c>: de-identify every file under IN into OUT under pseudonymous names, with
/// per-file reports, report.json and summary.md in the secure folder <c>OUT.deid</c>; rerunning resumes. Each batch
/// and each file is audited (input hash, output name, outcome).
/// </summary>
internal static class DeidCommand
{
    /// <summary>The hidden command a DICOM batch starts its worker processes with.</summary>
    public static DeidWorkerCommand Worker { get; } = new(["deid", "worker"]);

    public static Command Create(IServiceProvider services)
    {
        var common = new CommonOptions(services.GetRequiredService<IOptions<DeidOptions>>().Value.Workers);

        var faces = Choice("--faces", "Faces to redact: all, all-but-largest (keep the patient's own) or none.", "all", "all-but-largest", "none");
        var style = Choice("--style", "How regions are hidden: box, blur or pixelate.", "box", "blur", "pixelate");
        var text = Choice("--text", "Burned-in text to redact: phi (looks identifying), all or none.", "phi", "all", "none");
        var regions = new Option<string[]>("--region") { Description = "A region x,y,w,h (pixels) always redacted; repeatable.", Arity = ArgumentArity.ZeroOrMore };
        regions.Validators.Add(result => Validate(result, result.GetValueOrDefault<string[]>(), ParseRegion, "--region takes x,y,w,h with a positive width and height"));
        var photos = new Command("photos", "De-identify photos: redact faces and burned-in text, strip metadata (EXIF, GPS, XMP, IPTC).")
        {
            common.Input, common.Output, common.Workers, common.Key, common.RetryFailed, common.KnownValues, common.KnownValuesFile, faces, style, text, regions,
        };
        photos.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() =>
        {
            var settings = DeidSettings.Default with
            {
                Faces = parse.GetValue(faces) switch { "all-but-largest" => DeidFaces.AllButLargest, "none" => DeidFaces.None, _ => DeidFaces.All },
                Style = parse.GetValue(style) switch { "blur" => DeidStyle.Blur, "pixelate" => DeidStyle.Pixelate, _ => DeidStyle.Box },
                Text = parse.GetValue(text) switch { "all" => DeidText.All, "none" => DeidText.None, _ => DeidText.Phi },
                Regions = (parse.GetValue(regions) ?? []).Select(r => ParseRegion(r)!).ToList(),
            };
            return RunAsync(DeidKind.Photos, common, parse, settings, services, cancellationToken);
        }));

        var dates = Choice("--dates", "DICOM dates: shift (per-patient offset from the batch key, keeps intervals) or blank (the Basic Profile's dummies and removals).", "shift", "blank");
        var keepPrivate = new Option<string[]>("--keep-private-tag") { Description = "A private attribute known to be safe to keep, as gggg,CREATOR,ee (hex group, private creator, hex element low byte), e.g. 0029,SIEMENS CSA HEADER,10; repeatable.", Arity = ArgumentArity.ZeroOrMore };
        keepPrivate.Validators.Add(result => Validate(result, result.GetValueOrDefault<string[]>(), ParsePrivateTag, "--keep-private-tag takes gggg,CREATOR,ee: an odd (private) hex group, the private creator, a hex element byte"));
        var noPixelClean = new Option<bool>("--no-pixel-clean") { Description = "Do not redact burned-in text in pixel data (faces in photographic objects, --region boxes and --known-value words still are); an object whose Burned In Annotation is YES is then marked for review." };
        var dicom = new Command("dicom", "De-identify DICOM files (PS3.15 basic profile with retained-UID, shifted-date and pixel-clean options).")
        {
            common.Input, common.Output, common.Workers, common.Key, common.RetryFailed, common.KnownValues, common.KnownValuesFile, dates, keepPrivate, noPixelClean,
        };
        dicom.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(() =>
        {
            var settings = DeidSettings.Default with
            {
                Dates = parse.GetValue(dates) == "blank" ? DeidDates.Blank : DeidDates.Shift,
                KeepPrivateTags = (parse.GetValue(keepPrivate) ?? []).Select(t => ParsePrivateTag(t)!).ToList(),
                CleanPixels = !parse.GetValue(noPixelClean),
            };
            return RunAsync(DeidKind.Dicom, common, parse, settings, services, cancellationToken);
        }));

        return new Command("deid", "De-identify photos or DICOM files into a release folder; reports and the batch key go to OUT.deid, which must never be released.")
        {
            photos, dicom, Release(services), WorkerCommand(services),
        };
    }

    /// <summary><c>visage deid worker</c> (hidden): one DICOM worker process of a batch, served by the library.</summary>
    private static Command WorkerCommand(IServiceProvider services)
    {
        var command = new Command(Worker.Arguments[^1], "Serve one de-identifier to a batch over stdin/stdout (internal).") { Hidden = true };
        command.SetAction(async (_, cancellationToken) =>
            await services.GetRequiredService<DeidPipeline>().ServeWorkerAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), cancellationToken)
                ? ExitCodes.Success
                : ExitCodes.BadInput);
        return command;
    }

    /// <summary><c>visage deid release OUT NAME... --reviewer ID</c>: a person moves checked files out of quarantine.</summary>
    private static Command Release(IServiceProvider services)
    {
        var output = new Argument<DirectoryInfo>("OUT") { Description = "The batch's release folder (its OUT.deid holds the quarantine)." };
        var names = new Argument<string[]>("NAME") { Description = "Quarantined file names as summary.md lists them (e.g. 0123456789abcdef0123.dcm).", Arity = ArgumentArity.OneOrMore };
        var reviewer = OperatorIdOption.Create("--reviewer", "Who checked the files; recorded in the file's report");
        var release = new Command("release", "Move quarantined outputs you have checked into the release folder (their rescan had found identifying data).")
        {
            output, names, reviewer,
        };
        release.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var folder = parse.GetValue(output)!.FullName;
            var folders = DeidPipeline.FoldersFor(folder);
            var released = await services.GetRequiredService<DeidPipeline>().ReleaseAsync(
                ActorOption.Resolve(parse), folder, parse.GetValue(names)!, parse.GetValue(reviewer)!, cancellationToken);
            foreach (var file in released)
            {
                AnsiConsole.MarkupLineInterpolated($"released [blue]{file.Output}[/] into {folders.Output} ({file.Findings.Count} finding(s) checked by the reviewer, recorded in its report)");
            }

            return ExitCodes.Success;
        }));
        return release;
    }

    private static async Task<int> RunAsync(
        DeidKind kind,
        CommonOptions common,
        ParseResult parse,
        DeidSettings settings,
        IServiceProvider services,
        CancellationToken cancellationToken)
    {
        var folders = DeidPipeline.FoldersFor(parse.GetValue(common.Input)!.FullName, parse.GetValue(common.Output)!.FullName);
        var job = new DeidJob(kind, folders.Input, folders.Output, settings with { KnownValues = await KnownValuesAsync(common, parse, cancellationToken) })
        {
            KeyFile = parse.GetValue(common.Key)?.FullName,
            Workers = parse.GetValue(common.Workers),
            RetryFailed = parse.GetValue(common.RetryFailed),
        };
        var pipeline = services.GetRequiredService<DeidPipeline>();
        var actor = ActorOption.Resolve(parse);
        DeidBatchReport report;
        try
        {
            report = await RunWithProgressAsync(pipeline, job, actor, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            report = DeidPipeline.ReadReport(folders);
            PrintTotals(report, folders);
            AnsiConsole.MarkupLine("[yellow]cancelled[/]: finished files are kept; run the same command again to resume.");
            return ExitCodes.DeidIncomplete;
        }

        PrintTotals(report, folders);
        return report.Totals.Complete ? ExitCodes.Success : ExitCodes.DeidIncomplete;
    }

    private static async Task<DeidBatchReport> RunWithProgressAsync(DeidPipeline pipeline, DeidJob job, AuditActor actor, CancellationToken cancellationToken)
    {
        var kind = job.Kind;
        var label = kind == DeidKind.Photos ? "de-identifying photos" : "de-identifying DICOM files";
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(label);
            return await pipeline.RunAsync(job, actor, new DeidProgressLines(Console.Out), cancellationToken);
        }

        DeidBatchReport? report = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: 1);
                var progress = new SynchronousProgress<DeidProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{kind.ToString().ToLowerInvariant()} {p.Done}/{p.Total}, {p.Failed} failed");
                });
                report = await pipeline.RunAsync(job, actor, progress, cancellationToken);
                task.Value = task.MaxValue;
            });
        return report!;
    }

    private static void PrintTotals(DeidBatchReport report, DeidFolders folders)
    {
        var t = report.Totals;
        var run = report.LastRun;
        var table = new Table().AddColumns("files", "de-identified", "failed", "needs review", "quarantined", "skipped (done before)", "elapsed", "files/s", "MB/s");
        table.AddRow(
            Inv($"{t.Files:N0}"),
            Inv($"{t.Deidentified:N0}"),
            t.Failed == 0 ? "0" : Inv($"[red]{t.Failed:N0}[/]"),
            t.NeedsReview == 0 ? "0" : Inv($"[yellow]{t.NeedsReview:N0}[/]"),
            t.Quarantined == 0 ? "0" : Inv($"[red]{t.Quarantined:N0}[/]"),
            Inv($"{run.Skipped:N0}"),
            Inv($"{run.Elapsed.TotalSeconds:F1} s"),
            Inv($"{run.FilesPerSecond:F1}"),
            Inv($"{run.MegabytesPerSecond:F2}"));
        AnsiConsole.Write(table);
        if (run.Ignored > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"{run.Ignored} hidden files or links were not read.");
        }

        if (t.Quarantined > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"{t.Quarantined} output(s) still held identifying data after de-identification and are in [blue]{folders.Quarantine}[/], not in the release folder; see the summary.");
        }

        AnsiConsole.MarkupLineInterpolated($"summary: [blue]{folders.SummaryMarkdown}[/] (keep {folders.SecureZone} private: it maps outputs back to inputs and holds the batch key)");
        if (!t.Complete)
        {
            AnsiConsole.MarkupLine("[yellow]incomplete[/]: some files failed or need human review before release; see the summary.");
        }
    }

    private static async Task<IReadOnlyList<string>> KnownValuesAsync(CommonOptions common, ParseResult parse, CancellationToken cancellationToken)
    {
        var values = new List<string>(parse.GetValue(common.KnownValues) ?? []);
        if (parse.GetValue(common.KnownValuesFile) is { } file)
        {
            values.AddRange(await File.ReadAllLinesAsync(file.FullName, cancellationToken));
        }

        return values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    private static Option<string> Choice(string name, string description, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => values[0] };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    private static void Validate<T>(OptionResult result, string[]? values, Func<string, T?> parse, string error)
        where T : class
    {
        // The offending value is not echoed: a mistyped option can hold PHI.
        if (values is not null && values.Any(v => parse(v) is null))
        {
            result.AddError(error + ".");
        }
    }

    internal static DeidRegion? ParseRegion(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 4)
        {
            return null;
        }

        var numbers = new int[4];
        for (var i = 0; i < 4; i++)
        {
            if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return numbers[2] > 0 && numbers[3] > 0 ? new DeidRegion(numbers[0], numbers[1], numbers[2], numbers[3]) : null;
    }

    /// <summary>Private element numbers are only meaningful with their creator (PS3.5 7.8.1), so the creator is part of the tag.</summary>
    internal static DeidTag? ParsePrivateTag(string text)
    {
        var parts = text.Trim().Split(',');
        return parts.Length == 3
            && ushort.TryParse(parts[0].Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var group)
            && parts[1].Trim().Length > 0
            && byte.TryParse(parts[2].Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var element)
            && group % 2 == 1
                ? new DeidTag(group, parts[1].Trim(), element)
                : null;
    }

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The arguments and options both kinds share.</summary>
    private sealed class CommonOptions(int defaultWorkers)
    {
        public Argument<DirectoryInfo> Input { get; } = new("IN") { Description = "Folder of originals, read recursively (hidden files and links leaving it are skipped); never modified." };

        public Argument<DirectoryInfo> Output { get; } = new("OUT") { Description = "Release folder for de-identified files (flat, pseudonymous names); must not overlap IN." };

        public Option<int> Workers { get; } = IntegerOption.Create("--workers", "Files de-identified in parallel (default: Deid:Workers, the processor count)", defaultWorkers, 1, DeidOptions.MaxWorkers);

        public Option<FileInfo?> Key { get; } = new("--key") { Description = "Batch key file (32 bytes, mode 0600), created if missing; share it between batches for consistent UIDs and dates (default: OUT.deid/batch.key)." };

        public Option<bool> RetryFailed { get; } = new("--retry-failed") { Description = "When resuming, also redo files an earlier run reported as failed." };

        public Option<string[]> KnownValues { get; } = new("--known-value") { Description = "An identifying value (e.g. the patient's name or record number) to find and redact; repeatable; never echoed.", Arity = ArgumentArity.ZeroOrMore };

        public Option<FileInfo?> KnownValuesFile { get; } = new("--known-values-file") { Description = "A file of identifying values, one per line (keeps them out of shell history and the process list)." };

    }
}
