using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Recognition;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage checkin IMAGE [--claimed SUBJECT] [--candidates FILE]</c>: 1:1 against the person claimed or 1:N over the
/// expected people. Accepted, needs review or see the desk are all answers, never a denial: exit 0 for each.
/// </summary>
internal static class CheckInCommand
{
    public static Command Create(IServiceProvider services)
    {
        var image = new Argument<FileInfo>("IMAGE") { Description = "The photo taken at the kiosk or desk (one person in view)." };
        var claimed = SubjectIdArgument.Option("--claimed", "The person the patient says they are (1:1)");
        var candidates = new Option<FileInfo?>("--candidates") { Description = "For 1:N: a file of the people expected now (today's appointments), one opaque id per line." };
        var command = new Command("checkin", "Check a patient in by face (audited); exit 0 whether accepted, queued for review or sent to the desk.") { image, claimed, candidates };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var actor = ActorOption.Resolve(parse);
            var expected = parse.GetValue(candidates) is { } file ? await SubjectListFile.ReadAsync(file, cancellationToken) : null;
            var capture = new FaceCapture(await ImageInput.ReadAsync(services, parse.GetValue(image)!, cancellationToken));
            var result = await services.GetRequiredService<PatientCheckIn>().CheckInAsync(actor, capture, parse.GetValue(claimed), expected, cancellationToken);

            var outcome = result.Outcome switch
            {
                CheckInOutcome.Accepted => "[green]accepted[/]",
                CheckInOutcome.NeedsReview => "[yellow]needs review[/]",
                _ => "[yellow]see desk[/]",
            };
            AnsiConsole.MarkupLine($"outcome: {outcome}");
            AnsiConsole.MarkupLineInterpolated($"message: {result.Message}");
            AnsiConsole.MarkupLineInterpolated($"score: {(result.Score is { } score ? score.ToString("0.000", CultureInfo.InvariantCulture) : "none")}");
            if (result.Outcome == CheckInOutcome.Accepted && result.SubjectId is { } subject)
            {
                AnsiConsole.MarkupLineInterpolated($"subject: {subject}");
            }

            if (result.IdentityMismatch)
            {
                AnsiConsole.MarkupLine("[red]identity mismatch[/]: the face matches another enrolled person better than the one claimed; an alert was raised");
            }

            if (result.ReviewId is { } review)
            {
                AnsiConsole.MarkupLineInterpolated($"review: {review} (visage review show {review})");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
