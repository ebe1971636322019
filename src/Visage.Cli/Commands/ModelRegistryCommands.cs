using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Visage.Workflows.Models;

namespace Visage.Cli.Commands;

/// <summary>
/// <c>visage models promote MODEL --report ID [--liveness-report ID] [--override REASON]</c>, <c>models rollback</c> and
/// <c>models registry</c>: which embedding model is approved for use, on which signed evaluation reports, and every
/// decision before with its gates; promotion against failing gates needs an approver's recorded reason;
/// <c>models reenrolment</c> lists the subjects a model change left to enrol again; all audited.
/// </summary>
internal static class ModelRegistryCommands
{
    public static IEnumerable<Command> Create(IServiceProvider services)
    {
        var model = new Argument<string>("model") { Description = "The model version, as the report names it (e.g. faceplugin-feature512@0.0.1)." };
        var report = new Option<Guid>("--report") { Description = "The stored evaluation report of this model (visage eval record, visage eval reports).", Required = true };
        var livenessReport = new Option<Guid?>("--liveness-report") { Description = "The stored liveness report (visage eval liveness, then visage eval record): APCER and BPCER of the liveness in use are gated too." };
        var overrideReason = new Option<string?>("--override") { Description = "Promote although gates fail; the approver's reason is recorded with the decision." };
        var promote = new Command("promote", "Approve a model version for use, on a stored evaluation report that passes the promotion gates (Models__Gates__*).") { model, report, livenessReport, overrideReason };
        promote.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var decision = await services.GetRequiredService<ModelRegistry>().PromoteAsync(ActorOption.Resolve(parse), parse.GetValue(model)!, parse.GetValue(report), parse.GetValue(livenessReport), parse.GetValue(overrideReason), cancellationToken);
            WriteGates(decision.Gates);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{decision.Model} is the active model (decision {decision.Seq}{(decision.OverrideReason is null ? string.Empty : ", by override")})");
            return ExitCodes.Success;
        }));

        var rollback = new Command("rollback", "Return to the model that was active before the current one.");
        rollback.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var decision = await services.GetRequiredService<ModelRegistry>().RollbackAsync(ActorOption.Resolve(parse), cancellationToken);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"rolled back: {decision.Model} is the active model (decision {decision.Seq})");
            return ExitCodes.Success;
        }));

        var registry = new Command("registry", "The active model and every promotion and rollback, with the reports and every gate behind each.");
        registry.SetAction((_, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var registered = services.GetRequiredService<ModelRegistry>();
            var history = await registered.HistoryAsync(cancellationToken);
            var table = new Table().AddColumns("decision", "model", "what", "report", "gates failed", "override reason", "by", "when (UTC)");
            foreach (var d in history)
            {
                table.AddRow(
                    d.Seq.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(d.Model),
                    d.Decision,
                    d.ReportId?.ToString() ?? "-",
                    d.Gates.Count(g => !g.Passed) is var failed and > 0 ? string.Create(CultureInfo.InvariantCulture, $"{failed} of {d.Gates.Count}") : "none",
                    Markup.Escape(d.OverrideReason ?? "-"),
                    Markup.Escape(d.DecidedBy),
                    d.Decided.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            foreach (var d in history.Where(d => d.Gates.Count > 0))
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"gates of decision {d.Seq} ({d.Model}): report {d.ReportId}, liveness report {d.LivenessReportId?.ToString() ?? "none"}");
                WriteGates(d.Gates);
            }

            AnsiConsole.MarkupLineInterpolated($"active model: {await registered.ActiveAsync(cancellationToken) ?? "none promoted yet"}");
            return ExitCodes.Success;
        }));
        var reenrolment = new Command("reenrolment", "Subjects none of whose templates the engine's model made: they cannot be recognised until enrolled again.");
        reenrolment.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var list = await services.GetRequiredService<ReenrolmentWorklist>().ListAsync(ActorOption.Resolve(parse), cancellationToken);
            var table = new Table().AddColumns("subject", "templates by model");
            foreach (var entry in list.ToReenrol)
            {
                table.AddRow(entry.SubjectId.ToString(), Markup.Escape(string.Join(", ", entry.Templates.Select(t => $"{t.Templates} x {t.ModelVersion}"))));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"engine model {list.EngineModel}: {list.SubjectsCurrent} subjects current, {list.ToReenrol.Count} to re-enrol (no enrolment image is kept, so templates cannot be re-derived)");
            return ExitCodes.Success;
        }));
        return [promote, rollback, registry, reenrolment];
    }

    private static void WriteGates(IReadOnlyList<GateResult> gates)
    {
        var table = new Table().AddColumns("set", "gate", "result", "detail");
        foreach (var g in gates)
        {
            table.AddRow(Markup.Escape(g.Set), Markup.Escape(g.Gate), Result(g), Markup.Escape(g.Detail));
        }

        AnsiConsole.Write(table);
    }

    /// <summary>A gate that could not be judged passes only where it is not required; shown apart from a measured pass or fail.</summary>
    private static string Result(GateResult gate) => (gate.Judged, gate.Passed) switch
    {
        (true, true) => "[green]pass[/]",
        (true, false) => "[red]FAIL[/]",
        (false, true) => "[grey]not judged[/]",
        (false, false) => "[red]not judged: FAIL[/]",
    };
}
