using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Workflows.Emergency;
using Visage.Workflows.Recognition;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage identify IMAGE --emergency --reason CODE</c>: break-glass identification of a patient who cannot identify
/// themselves. Lists candidates only; a clinician confirms one (or none) with <c>visage review decide</c>. Every use is
/// audited and raises a break-glass alert.
/// </summary>
internal static class IdentifyCommand
{
    public static Command Create(IServiceProvider services)
    {
        var image = new Argument<FileInfo>("IMAGE") { Description = "A photo of the patient's face." };
        var emergency = new Option<bool>("--emergency") { Description = "Required: this is break-glass access, audited and reviewed after the fact.", Required = true };
        var reason = CodeOption.Create<BreakGlassReason>("--reason", "Why the patient cannot identify themselves.", BreakGlassReasonCodes.All, BreakGlassReasonCodes.TryParse, required: true);
        var command = new Command("identify", "Emergency identification (break-glass): candidates for a clinician to confirm.") { image, emergency, reason };
        command.Validators.Add(result =>
        {
            if (!result.GetValue(emergency))
            {
                result.AddError("identify is break-glass only: pass --emergency.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var actor = ActorOption.Resolve(parse);
            var capture = new FaceCapture(await ImageInput.ReadAsync(services, parse.GetValue(image)!, cancellationToken));
            var found = await services.GetRequiredService<EmergencyIdentification>().IdentifyAsync(actor, capture, parse.GetValue(reason), cancellationToken);
            if (found.Candidates.Count == 0)
            {
                AnsiConsole.MarkupLine("no candidate above the review threshold among people consented to emergency identification");
            }
            else
            {
                var table = new Table().AddColumns("rank", "subject", "score");
                for (var i = 0; i < found.Candidates.Count; i++)
                {
                    table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), found.Candidates[i].SubjectId.ToString(), found.Candidates[i].Score.ToString("0.000", CultureInfo.InvariantCulture));
                }

                AnsiConsole.Write(table);
            }

            AnsiConsole.MarkupLineInterpolated($"review: {found.ReviewId}; nothing is linked until a clinician decides: visage review decide {found.ReviewId} confirm|choose --subject ID|reject");
            return ExitCodes.Success;
        }));
        return command;
    }
}
