using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Gallery;
using Visage.Workflows.PurposeApprovals;

namespace Visage.Cli.Commands;

/// <summary><c>visage purposes list|approve|revoke</c>: the purpose registry; no recognition serves a purpose without an approval in force.</summary>
internal static class PurposesCommand
{
    public static Command Create(IServiceProvider services)
    {
        var list = new Command("list", "Every recognition purpose, whether it is approved, by whom, when and why.");
        list.SetAction((_, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var table = new Table().AddColumns("purpose", "status", "decided by", "when (UTC)", "rationale");
            foreach (var status in await services.GetRequiredService<PurposeRegistry>().ListAsync(cancellationToken))
            {
                var decision = status.InForce;
                table.AddRow(
                    status.Code,
                    status.Approved ? "[green]approved[/]" : decision is null ? "[yellow]not approved[/]" : "[red]revoked[/]",
                    Markup.Escape(decision?.DecidedBy ?? string.Empty),
                    decision?.DecidedUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? string.Empty,
                    Markup.Escape(decision?.Rationale ?? string.Empty));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }));

        return new Command("purposes", "The purpose registry: approve a recognition purpose before anything may serve it.")
        {
            list,
            Decide(services, "approve", "Record an approval (the rationale, e.g. the DPIA reference, is kept in clear: no patient details).", approve: true),
            Decide(services, "revoke", "Revoke the approval in force; recognitions for the purpose are refused from now on.", approve: false),
        };
    }

    private static Command Decide(IServiceProvider services, string name, string description, bool approve)
    {
        var purpose = PurposeArgument();
        var rationale = new Option<string>("--rationale") { Description = $"Why, 1 to {PurposeRegistry.MaxRationaleLength} characters; never echoed.", Required = true };
        var command = new Command(name, description) { purpose, rationale };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var registry = services.GetRequiredService<PurposeRegistry>();
            var actor = ActorOption.Resolve(parse);
            var decision = approve
                ? await registry.ApproveAsync(actor, parse.GetValue(purpose), parse.GetValue(rationale)!, cancellationToken)
                : await registry.RevokeAsync(actor, parse.GetValue(purpose), parse.GetValue(rationale)!, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"{decision.Purpose.ToCode()}: {(decision.Approved ? "approved" : "revoked")} by {decision.DecidedBy} (decision {decision.Id:N})");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>A recognition purpose's code, parsed straight to the value; anything else is a parse error.</summary>
    private static Argument<Purposes> PurposeArgument()
    {
        var codes = string.Join(", ", PurposeCodes.Recognition.Select(p => p.ToCode()));
        return new Argument<Purposes>("PURPOSE")
        {
            Description = $"One of {codes}.",
            CustomParser = result =>
            {
                if (result.Tokens.Count == 1 && PurposeCodes.TryParse(result.Tokens[0].Value, out var parsed) && PurposeCodes.IsOneRecognitionPurpose(parsed))
                {
                    return parsed;
                }

                result.AddError($"PURPOSE must be one of {codes}; what was given is not shown.");
                return Purposes.None;
            },
        };
    }
}
