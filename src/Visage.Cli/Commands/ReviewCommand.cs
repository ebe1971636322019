using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Gallery;
using Visage.Protection;
using Visage.Workflows.Review;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage review list|show|decide|appeal|report</c>: the queue where people decide the weak and contested matches.
/// Lists carry ids and scores only; the probe image leaves the store only when asked for with <c>--probe-out</c>.
/// </summary>
internal static class ReviewCommand
{
    public static Command Create(IServiceProvider services) => new("review", "The review queue: weak, contested and emergency matches a person decides.")
    {
        List(services), Show(services), Decide(services), Appeal(services), Report(services),
    };

    private static Command List(IServiceProvider services)
    {
        var all = new Option<bool>("--all") { Description = "Every item, decided ones too (default: open items)." };
        var command = new Command("list", "Review items, oldest first: ids, kinds, scores; no PHI.") { all };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            _ = ActorOption.Resolve(parse);
            var items = await services.GetRequiredService<ReviewWorklist>().ListAsync(parse.GetValue(all) ? null : ReviewStatus.Open, cancellationToken);
            var table = new Table().AddColumns("id", "kind", "purpose", "status", "created (UTC)", "proposed", "best score", "candidates", "reason");
            foreach (var item in items)
            {
                table.AddRow(
                    item.Id.ToString(),
                    item.Kind.ToCode(),
                    item.Purpose.ToCode(),
                    item.Status.ToCode(),
                    When(item.Created),
                    item.Proposed?.ToString() ?? "-",
                    item.Candidates.Count > 0 ? Score(item.Candidates.Max(c => c.Score)) : "-",
                    item.Candidates.Count.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(item.Reason));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{items.Count} item(s)");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(IServiceProvider services)
    {
        var id = SubjectIdArgument.Create("ID");
        id.Description = "The review item's id.";
        var probeOut = new Option<FileInfo?>("--probe-out") { Description = "Write the probe image (the captured face) to this file, 0600; opening it is audited." };
        var command = new Command("show", "One review item: what was asked, the candidates with scores, the decision and any appeal.") { id, probeOut };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var actor = ActorOption.Resolve(parse);
            var worklist = services.GetRequiredService<ReviewWorklist>();
            var target = parse.GetValue(probeOut);
            ReviewItem item;
            byte[]? probe = null;
            if (target is null && await worklist.GetAsync(parse.GetValue(id), cancellationToken) is { } found)
            {
                // Ids, scores and the decision only: the probe is opened (and audited) with --probe-out.
                item = found;
            }
            else
            {
                // An unknown id ends here too: refused with its reason code (exit 9) and audited.
                (item, probe) = await worklist.ShowAsync(actor, parse.GetValue(id), cancellationToken);
            }

            var table = new Table().AddColumns("field", "value");
            table.AddRow("id", item.Id.ToString());
            table.AddRow("kind", item.Kind.ToCode());
            table.AddRow("purpose", item.Purpose.ToCode());
            table.AddRow("reason", Markup.Escape(item.Reason));
            table.AddRow("model", Markup.Escape(item.ModelVersion));
            table.AddRow("claimed", item.ClaimedSubject?.ToString() ?? "-");
            table.AddRow("created (UTC)", $"{When(item.Created)} by {Markup.Escape(item.CreatedBy)}");
            table.AddRow("probe kept until (UTC)", item.ProbeUntil is { } until ? When(until) : "deleted");
            table.AddRow("status", item.Status.ToCode());
            if (item.Decided is { } decided)
            {
                table.AddRow("decided (UTC)", $"{When(decided)} by {Markup.Escape(item.DecidedBy ?? string.Empty)}");
                table.AddRow("chosen", item.ChosenSubject?.ToString() ?? "none");
            }

            if (item.Appealed is { } appealed)
            {
                table.AddRow("appeal (UTC)", $"{When(appealed)} by {Markup.Escape(item.AppealBy ?? string.Empty)}: {Markup.Escape(item.AppealOutcome ?? string.Empty)}");
            }

            AnsiConsole.Write(table);
            var candidates = new Table().AddColumns("rank", "subject", "score");
            for (var i = 0; i < item.Candidates.Count; i++)
            {
                candidates.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), item.Candidates[i].SubjectId.ToString(), Score(item.Candidates[i].Score));
            }

            AnsiConsole.Write(candidates);
            if (target is not null)
            {
                if (probe is null)
                {
                    AnsiConsole.MarkupLine("[yellow]the probe image has already been deleted by retention[/]; nothing written");
                    return ExitCodes.NotFound;
                }

                await using (var file = OwnerOnlyFiles.OpenForWriting(target.FullName, FileMode.Create))
                {
                    await file.WriteAsync(probe, cancellationToken);
                }

                AnsiConsole.MarkupLineInterpolated($"probe image written (0600) to {target.FullName}; delete it when done");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Decide(IServiceProvider services)
    {
        var id = SubjectIdArgument.Create("ID");
        id.Description = "The review item's id.";
        var decision = CodeOption.Argument<ReviewDecision>("DECISION", "confirm: the system's proposal is right; choose: another candidate is (--subject); reject: none is.", ["confirm", "choose", "reject"], TryParseDecision);
        var subject = SubjectIdArgument.Option("--subject", "With choose: the candidate who is the person");
        var command = new Command("decide", "Record your decision on an open item (audited).") { id, decision, subject };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var item = await services.GetRequiredService<ReviewWorklist>().DecideAsync(ActorOption.Resolve(parse), parse.GetValue(id), parse.GetValue(decision), parse.GetValue(subject), cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"review {item.Id}: {item.Status.ToCode()}{(item.ChosenSubject is { } chosen ? $" (subject {chosen})" : string.Empty)}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Appeal(IServiceProvider services)
    {
        var id = SubjectIdArgument.Create("ID");
        id.Description = "The review item's id.";
        var outcome = CodeOption.Argument<bool>("OUTCOME", "What the appeal concluded.", ["upheld", "overturned"], TryParseAppeal);
        var command = new Command("appeal", "Record a patient's appeal of a decision and its outcome (audited).") { id, outcome };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var item = await services.GetRequiredService<ReviewWorklist>().AppealAsync(ActorOption.Resolve(parse), parse.GetValue(id), parse.GetValue(outcome), cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"review {item.Id}: appeal {item.AppealOutcome}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Report(IServiceProvider services)
    {
        var command = new Command("report", "Override rates of decided items, per reviewer and per model version.");
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            _ = ActorOption.Resolve(parse);
            var report = await services.GetRequiredService<ReviewWorklist>().OverrideReportAsync(cancellationToken);
            Write("reviewer", report.ByReviewer);
            Write("model version", report.ByModelVersion);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Write(string key, IReadOnlyList<OverrideRow> rows)
    {
        var table = new Table().AddColumns(key, "decided", "overridden", "override rate", "appealed");
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Key),
                row.Decided.ToString(CultureInfo.InvariantCulture),
                row.Overridden.ToString(CultureInfo.InvariantCulture),
                row.OverrideRate.ToString("P1", CultureInfo.InvariantCulture),
                row.Appealed.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
    }

    private static bool TryParseDecision(string? code, out ReviewDecision decision)
    {
        (var known, decision) = code switch
        {
            "confirm" => (true, ReviewDecision.Confirm),
            "choose" => (true, ReviewDecision.ChooseOther),
            "reject" => (true, ReviewDecision.Reject),
            _ => (false, default),
        };
        return known;
    }

    private static bool TryParseAppeal(string? code, out bool overturned)
    {
        overturned = string.Equals(code, "overturned", StringComparison.Ordinal);
        return code is "upheld" or "overturned";
    }

    private static string Score(float score) => score.ToString("0.000", CultureInfo.InvariantCulture);

    private static string When(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
