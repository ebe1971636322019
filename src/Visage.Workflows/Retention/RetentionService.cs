using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Visage.Audit;

namespace Visage.Workflows.Retention;

/// <summary>Runs <see cref="RetentionRun"/> every <see cref="RetentionOptions.Interval"/> in a long-running host (added by the server, not the CLI).</summary>
internal sealed class RetentionService(RetentionRun run, IOptions<RetentionOptions> options, ILogger<RetentionService> logger) : BackgroundService
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
                    var report = await run.RunAsync(System, stoppingToken);
                    RetentionLog.Ran(logger, report.RunId, report.Certificates.Count);
                }
#pragma warning disable CA1031 // A failed run is logged (no PHI: the type only) and tried again at the next tick.
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    RetentionLog.Failed(logger, ex.GetType().Name);
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

/// <summary>What retention logs: run ids, counts and exception types, never a subject or a reason text.</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "retention run {RunId} deleted {Count} items")]
    public static partial void Ran(ILogger logger, Guid runId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "retention run failed ({ExceptionType}); it runs again at the next interval")]
    public static partial void Failed(ILogger logger, string exceptionType);
}
