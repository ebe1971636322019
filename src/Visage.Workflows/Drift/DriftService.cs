using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Visage.Audit;

namespace Visage.Workflows.Drift;

/// <summary>Runs the drift check at start and every <see cref="DriftOptions.Interval"/> (weekly) in a long-running host.</summary>
internal sealed class DriftService(DriftMonitor monitor, IOptions<DriftOptions> options, ILogger<DriftService> logger) : BackgroundService
{
    private static readonly AuditActor System = new("visage", "system");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunInBackground)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval);
        try
        {
            do
            {
                try
                {
                    var report = await monitor.CheckAsync(System, cancellationToken: stoppingToken);
                    var alerts = report.Groups.Sum(g => g.Checks.Count(c => c.Verdict == DriftVerdict.Alert));
                    DriftLog.Checked(logger, report.Groups.Count, alerts);
                }
#pragma warning disable CA1031 // A failed check is logged (no PHI: the type only) and tried again at the next tick.
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    DriftLog.Failed(logger, ex.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping (or never started): nothing to report.
        }
    }
}

/// <summary>What drift monitoring logs: counts and exception types.</summary>
internal static partial class DriftLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "drift check: {Groups} model/context groups, {Alerts} alerts raised")]
    public static partial void Checked(ILogger logger, int groups, int alerts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "drift check failed ({ExceptionType}); it runs again at the next interval")]
    public static partial void Failed(ILogger logger, string exceptionType);
}
