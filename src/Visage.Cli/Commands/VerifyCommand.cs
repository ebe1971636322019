using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Workflows.People;
using Visage.Workflows.Recognition;
using Visage.Workflows.StepUp;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage verify SUBJECT IMAGE --second-factor KIND</c>: step-up verification (face plus a second factor the operator
/// checked); exit 0 verified, 15 not verified. <c>visage verify lock|unlock SUBJECT</c>: the lockout after repeated
/// failures. <c>visage confirm-patient SUBJECT IMAGE --order ID</c>: right-patient confirmation before a procedure.
/// </summary>
internal static class VerifyCommand
{
    private static readonly string[] Factors = ["totp", "badge", "pin", "id-document"];

    public static Command Create(IServiceProvider services)
    {
        var subject = SubjectIdArgument.Create();
        var image = new Argument<FileInfo>("IMAGE") { Description = "A photo of the person now." };
        var factor = CodeOption.Create<string>("--second-factor", "The second factor you checked before asking (you assert it was valid).", Factors, TryParseFactor, required: true);
        var command = new Command("verify", "Step-up verification before a record opens: face and a second factor; exit 0 verified, 15 not verified (audited; failures count towards a lock).")
        {
            subject, image, factor, Lock(services), Unlock(services),
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var actor = ActorOption.Resolve(parse);
            var capture = new FaceCapture(await ImageInput.ReadAsync(services, parse.GetValue(image)!, cancellationToken));
            var result = await services.GetRequiredService<StepUpVerification>().VerifyAsync(actor, parse.GetValue(subject), capture, new SecondFactor(parse.GetValue(factor)!, Verified: true), cancellationToken);
            var score = result.Score is { } s ? s.ToString("0.000", CultureInfo.InvariantCulture) : "none (no template or consent for step-up)";
            AnsiConsole.MarkupLine(result.Verified ? $"[green]verified[/] (score {score})" : $"[red]not verified[/] (score {score}): use another method");
            return result.Verified ? ExitCodes.Success : ExitCodes.NotPermitted;
        }));
        return command;
    }

    /// <summary><c>visage confirm-patient SUBJECT IMAGE --order ID</c>: exit 0 only when confirmed; needs review and not confirmed are 15.</summary>
    public static Command ConfirmPatient(IServiceProvider services)
    {
        var subject = SubjectIdArgument.Create();
        var image = new Argument<FileInfo>("IMAGE") { Description = "A photo of the patient now." };
        var order = new Option<string>("--order") { Description = "The order's opaque id (letters, digits, . _ - /; at most 64), recorded with the check.", Required = true };
        var command = new Command("confirm-patient", "Right-patient confirmation before a procedure, blood draw or medication: 1:1 against the patient the order names; exit 0 confirmed, 15 otherwise (audited).")
        {
            subject, image, order,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var actor = ActorOption.Resolve(parse);
            var capture = new FaceCapture(await ImageInput.ReadAsync(services, parse.GetValue(image)!, cancellationToken));
            var result = await services.GetRequiredService<StepUpVerification>().ConfirmRightPatientAsync(actor, parse.GetValue(subject), parse.GetValue(order)!, capture, cancellationToken);
            var score = result.Score is { } s ? s.ToString("0.000", CultureInfo.InvariantCulture) : "none";
            switch (result.Outcome)
            {
                case RightPatientOutcome.Confirmed:
                    AnsiConsole.MarkupLine($"[green]confirmed[/] (score {score})");
                    return ExitCodes.Success;
                case RightPatientOutcome.NeedsReview:
                    AnsiConsole.MarkupLineInterpolated($"[yellow]needs review[/] (score {score}): check the wristband or ID before going on; review {result.ReviewId}");
                    return ExitCodes.NotPermitted;
                default:
                    AnsiConsole.MarkupLine($"[red]not confirmed[/] (score {score}): check the wristband or ID before going on");
                    return ExitCodes.NotPermitted;
            }
        }));
        return command;
    }

    private static Command Lock(IServiceProvider services)
    {
        var subject = SubjectIdArgument.Create();
        var command = new Command("lock", "Whether face verification is locked for a person, and the failures counted.") { subject };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            _ = ActorOption.Resolve(parse);
            var id = parse.GetValue(subject);
            await services.GetRequiredService<PersonRegistry>().RequireAsync(id, cancellationToken);
            var verification = services.GetRequiredService<StepUpVerification>();
            var until = await verification.LockedUntilAsync(id, cancellationToken);
            var failures = await verification.FailuresAsync(id, cancellationToken);
            AnsiConsole.MarkupLine(until is { } end
                ? string.Create(CultureInfo.InvariantCulture, $"[red]locked[/] until {end.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z")
                : "not locked");
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"consecutive failures: {failures}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Unlock(IServiceProvider services)
    {
        var subject = SubjectIdArgument.Create();
        var command = new Command("unlock", "Clear a person's lock and failure count after checking their identity another way (audited).") { subject };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            await services.GetRequiredService<StepUpVerification>().ClearLockAsync(ActorOption.Resolve(parse), parse.GetValue(subject), cancellationToken);
            AnsiConsole.MarkupLine("lock cleared");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static bool TryParseFactor(string? code, out string factor)
    {
        factor = code ?? string.Empty;
        return Factors.Contains(code, StringComparer.Ordinal);
    }
}
