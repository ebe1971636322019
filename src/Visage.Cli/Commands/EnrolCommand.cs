using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Audit;
using Visage.Face;
using Visage.Storage;
using Visage.Workflows.Enrolment;
using Visage.Workflows.Recognition;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage enrol SUBJECT IMAGE...</c>: enrol one consented person from one or more photos (all or none are stored);
/// <c>visage enrol --manifest FILE</c>: a batch from a CSV of <c>subject,image</c> lines, resumable (a subject who
/// already holds templates is skipped), with a report of what failed by manifest line and reason code, never by path.
/// </summary>
internal static class EnrolCommand
{
    public static Command Create(IServiceProvider services)
    {
        var subject = new Argument<Guid?>("SUBJECT")
        {
            Description = "The person's opaque id (a GUID); they must hold a consent in force.",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0)
                {
                    return null;
                }

                if (Guid.TryParse(result.Tokens[0].Value, out var id))
                {
                    return id;
                }

                result.AddError("SUBJECT must be given by its opaque id (a GUID); what was given is not one and is not shown.");
                return null;
            },
        };
        var images = new Argument<FileInfo[]>("IMAGE") { Description = $"1 to {FaceEnrolment.MaxImages} photos of the person, one face each.", Arity = ArgumentArity.ZeroOrMore };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "Enrol a batch: a CSV file of subject,image lines (image paths relative to the file's folder)." };
        var notDuplicate = SubjectIdArgument.Option("--not-duplicate", "A duplicate review about this person that a reviewer rejected: enrol without the duplicate check");
        var command = new Command("enrol", "Enrol consented people's faces: the templates serve exactly the consented purposes (audited).") { subject, images, manifest, notDuplicate };
        command.Validators.Add(result =>
        {
            var batch = result.GetValue(manifest) is not null;
            var single = result.GetValue(subject) is not null || result.GetValue(images) is { Length: > 0 };
            if (batch && (single || result.GetValue(notDuplicate) is not null))
            {
                result.AddError("Give either SUBJECT IMAGE... or --manifest FILE, not both (--not-duplicate is for one subject).");
            }
            else if (!batch && (result.GetValue(subject) is null || result.GetValue(images) is not { Length: > 0 }))
            {
                result.AddError("Give SUBJECT and at least one IMAGE, or --manifest FILE.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var actor = ActorOption.Resolve(parse);
            return parse.GetValue(manifest) is { } file
                ? await EnrolBatchAsync(services, actor, file, cancellationToken)
                : await EnrolOneAsync(services, actor, parse.GetValue(subject)!.Value, parse.GetValue(images)!, parse.GetValue(notDuplicate), cancellationToken);
        }));
        return command;
    }

    private static async Task<int> EnrolOneAsync(IServiceProvider services, AuditActor actor, Guid subject, FileInfo[] files, Guid? cleared, CancellationToken cancellationToken)
    {
        var captures = new List<FaceCapture>(files.Length);
        foreach (var file in files)
        {
            captures.Add(new FaceCapture(await ImageInput.ReadAsync(services, file, cancellationToken)));
        }

        var result = await services.GetRequiredService<FaceEnrolment>().EnrolAsync(actor, subject, captures, cleared, cancellationToken);
        if (result.Outcome == EnrolmentOutcome.Enrolled)
        {
            AnsiConsole.MarkupLineInterpolated($"enrolled: {result.Templates} templates ({result.ModelVersion})");
            return ExitCodes.Success;
        }

        AnsiConsole.MarkupLineInterpolated($"[yellow]held for review[/]: the face looks like someone already enrolled; nothing was stored (review {result.ReviewId})");
        var table = new Table().AddColumns("existing subject", "score");
        foreach (var duplicate in result.Duplicates)
        {
            table.AddRow(duplicate.SubjectId.ToString(), duplicate.Score.ToString("0.000", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"a reviewer decides with visage review decide {result.ReviewId} confirm|reject; after a rejection, enrol again with --not-duplicate {result.ReviewId}");
        return ExitCodes.Success;
    }

    private static async Task<int> EnrolBatchAsync(IServiceProvider services, AuditActor actor, FileInfo file, CancellationToken cancellationToken)
    {
        var manifest = await EnrolManifest.ReadAsync(file, cancellationToken);
        var batch = new Batch(manifest);
        var cancelled = false;
        try
        {
            if (Console.IsOutputRedirected)
            {
                await batch.RunAsync(services, actor, () => Console.WriteLine(batch.Progress), cancellationToken);
            }
            else
            {
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask(batch.Short, maxValue: Math.Max(1, manifest.Subjects.Count));
                        await batch.RunAsync(
                            services,
                            actor,
                            () =>
                            {
                                task.Value = batch.Done;
                                task.Description = batch.Short;
                            },
                            cancellationToken);
                        task.Value = task.MaxValue;
                    });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        batch.PrintReport();
        if (cancelled)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]: enrolled subjects are kept; run the same command again to resume.");
            return ExitCodes.Cancelled;
        }

        return batch.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.BadInput;
    }

    /// <summary>One run over a manifest: per subject, skip (already enrolled), enrol, or record why not.</summary>
    private sealed class Batch(EnrolManifest manifest)
    {
        public List<(string Lines, string Reason, string Detail)> Failures { get; } =
            [.. manifest.BadLines.Select(l => (l.ToString(CultureInfo.InvariantCulture), "bad-line", "not subject,image with an opaque subject id"))];

        public int Done { get; private set; }

        public int Enrolled { get; private set; }

        public int Skipped { get; private set; }

        public string Progress => string.Create(
            CultureInfo.InvariantCulture,
            $"enrolling {Done}/{manifest.Subjects.Count} subjects: {Enrolled} enrolled, {Skipped} skipped (already enrolled), {Failures.Count - manifest.BadLines.Count} failed");

        /// <summary>For the progress bar's description column.</summary>
        public string Short => string.Create(CultureInfo.InvariantCulture, $"subjects {Done}/{manifest.Subjects.Count}, {Skipped} skipped, {Failures.Count - manifest.BadLines.Count} failed");

        public async Task RunAsync(IServiceProvider services, AuditActor actor, Action report, CancellationToken cancellationToken)
        {
            var store = await services.GetRequiredService<ProtectedStoreLifetime>().OpenAsync(cancellationToken);
            var enrolment = services.GetRequiredService<FaceEnrolment>();
            report();
            foreach (var entry in manifest.Subjects)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if ((await store.Store.GetTemplatesAsync(entry.Subject, cancellationToken)).Count > 0)
                {
                    Skipped++;
                }
                else
                {
                    await EnrolAsync(services, enrolment, actor, entry, cancellationToken);
                }

                Done++;
                report();
            }
        }

        public void PrintReport()
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{manifest.Subjects.Count} subjects: {Enrolled} enrolled, {Skipped} skipped (already enrolled), {Failures.Count - manifest.BadLines.Count} not enrolled");
            if (Failures.Count == 0)
            {
                return;
            }

            // Manifest line numbers and reason codes only: an image's path or name can carry a patient's name.
            var table = new Table().AddColumns("manifest line(s)", "reason", "detail");
            foreach (var (lines, reason, detail) in Failures)
            {
                table.AddRow(lines, Markup.Escape(reason), Markup.Escape(detail));
            }

            AnsiConsole.Write(table);
        }

        private async Task EnrolAsync(IServiceProvider services, FaceEnrolment enrolment, AuditActor actor, EnrolManifest.Entry entry, CancellationToken cancellationToken)
        {
            try
            {
                var captures = new List<FaceCapture>(entry.Images.Count);
                foreach (var image in entry.Images)
                {
                    captures.Add(new FaceCapture(await ImageInput.ReadAsync(services, new FileInfo(image), cancellationToken)));
                }

                var result = await enrolment.EnrolAsync(actor, entry.Subject, captures, cancellationToken: cancellationToken);
                if (result.Outcome == EnrolmentOutcome.Enrolled)
                {
                    Enrolled++;
                }
                else
                {
                    Failures.Add((entry.LineList, "duplicate-suspected", $"held for review {result.ReviewId}: looks like someone already enrolled"));
                }
            }
            catch (Exception ex) when (ex is WorkflowRefusedException or ImageDecodeException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                var failure = FailureTable.Find(ex)!;
                Failures.Add((entry.LineList, failure.CodeFor(ex), ex is WorkflowRefusedException ? ex.Message : failure.MessageFor(ex)));
            }
        }
    }
}
