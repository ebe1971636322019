using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Visage.Workflows.Hosting;

namespace Visage.Workflows.Drift;

/// <summary>Runs the drift check at start and every <see cref="DriftOptions.Interval"/> (weekly) in a long-running host.</summary>
internal sealed class DriftService(DriftMonitor monitor, IOptions<DriftOptions> options, ILogger<DriftService> logger)
    : PeriodicService(options.Value.RunInBackground, options.Value.Interval)
{
    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var report = await monitor.CheckAsync(System, cancellationToken: cancellationToken);
        var alerts = report.Groups.Sum(g => g.Checks.Count(c => c.Verdict == DriftVerdict.Alert));
        DriftLog.Checked(logger, report.Groups.Count, alerts);
    }

    protected override void Failed(string exceptionType) => DriftLog.Failed(logger, exceptionType);
}

/// <summary>What drift monitoring logs: counts and exception types.</summary>
internal static partial class DriftLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "drift check: {Groups} model/context groups, {Alerts} alerts raised")]
    public static partial void Checked(ILogger logger, int groups, int alerts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "drift check failed ({ExceptionType}); it runs again at the next interval")]
    public static partial void Failed(ILogger logger, string exceptionType);
}
