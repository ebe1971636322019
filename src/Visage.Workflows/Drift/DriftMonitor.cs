using System.Globalization;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Drift;

/// <summary>
/// Drift monitoring of live operation: per model version and context, the recent window's genuine scores, review rate
/// and override rate against the baseline window before it (<see cref="DriftComparison"/>). Reading the report is
/// audited (<see cref="ReportAction"/>); a check raises one <see cref="AlertAction"/> record per crossed bound, with
/// codes and numbers only, under the report's correlation id.
/// </summary>
public sealed class DriftMonitor(RecognitionScores scores, AuditLog log, TimeProvider time, IOptions<DriftOptions> options)
{
    public const string ReportAction = "drift.report";
    public const string AlertAction = "drift.alert";
    public const int MaxWeeks = 52;
    private static readonly AuditActor System = new("visage", "system");

    /// <summary>The report, audited as a read; it raises no alert records (the weekly check and <c>visage drift report</c> do).</summary>
    /// <param name="weeks">The recent window in weeks (1 to <see cref="MaxWeeks"/>); null: <see cref="DriftOptions.Recent"/>.</param>
    public Task<DriftReport> ReportAsync(AuditActor actor, int? weeks = null, CancellationToken cancellationToken = default) =>
        RunAsync(actor, weeks, raiseAlerts: false, cancellationToken);

    /// <summary>The report, and a <see cref="AlertAction"/> record for each bound it finds crossed.</summary>
    /// <param name="weeks">The recent window in weeks (1 to <see cref="MaxWeeks"/>); null: <see cref="DriftOptions.Recent"/>.</param>
    public Task<DriftReport> CheckAsync(AuditActor actor, int? weeks = null, CancellationToken cancellationToken = default) =>
        RunAsync(actor, weeks, raiseAlerts: true, cancellationToken);

    private async Task<DriftReport> RunAsync(AuditActor actor, int? weeks, bool raiseAlerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var settings = options.Value;
        var recent = await RefusalAudit.CheckAsync(log, actor, ReportAction, Purposes.Operations, null, null, () => Task.FromResult(weeks switch
        {
            null => settings.Recent,
            >= 1 and <= MaxWeeks => TimeSpan.FromDays(7 * weeks.Value),
            _ => throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, $"The recent window is 1 to {MaxWeeks} weeks."),
        }));
        // Windows on whole hours, as the rows are kept: a row is in a window or not, never split by its rounding.
        var to = RecognitionScores.HourOf(time.GetUtcNow()).AddHours(1);
        var recentFrom = to - recent;
        var baselineFrom = recentFrom - settings.Baseline;
        await using var operation = await AuditedOperation.BeginAsync(
            log, actor, ReportAction, Purposes.Operations, reason: Text($"recent {recent.TotalDays:0.#} days against the {settings.Baseline.TotalDays:0.#} days before"), cancellationToken: cancellationToken);
        var rows = await scores.BetweenAsync(baselineFrom, to, cancellationToken);
        var report = new DriftReport(baselineFrom, recentFrom, to, settings.MinSamples, DriftComparison.Compare(rows, recentFrom, settings));
        var alerts = report.Groups.SelectMany(g => g.Checks.Where(c => c.Verdict == DriftVerdict.Alert).Select(c => (Group: g, Check: c))).ToList();
        if (raiseAlerts)
        {
            foreach (var (group, check) in alerts)
            {
                await log.AppendAsync(
                    new AuditEntry(System.Id, System.Role, AlertAction, Purposes.Operations, null, "raised", AlertReason(group, check), group.ModelVersion, operation.CorrelationId, null),
                    CancellationToken.None);
            }
        }

        var tooFew = report.Groups.Sum(g => g.Checks.Count(c => c.Verdict == DriftVerdict.TooFewSamples));
        await operation.SucceededAsync(Text($"{report.Groups.Count} groups; {alerts.Count} bounds crossed{(raiseAlerts ? ", alerts raised" : string.Empty)}; {tooFew} checks with too few samples"));
        return report;
    }

    /// <summary>Codes and numbers only: the context, the check, its value against the bound, the sample sizes.</summary>
    internal static string AlertReason(DriftGroup group, DriftCheck check) =>
        Text($"{group.Context.ToCode()}; {check.Check} {check.Value:+0.000;-0.000} beyond {check.Bound:0.000}; samples {check.RecentSamples} recent, {check.BaselineSamples} baseline");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
