using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Visage.Workflows.Hosting;

namespace Visage.Workflows.Retention;

/// <summary>Runs <see cref="RetentionRun"/> every <see cref="RetentionOptions.Interval"/> in a long-running host (added by the server, not the CLI).</summary>
internal sealed class RetentionService(RetentionRun run, IOptions<RetentionOptions> options, ILogger<RetentionService> logger)
    : PeriodicService(options.Value.RunInBackground, options.Value.Interval)
{
    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var report = await run.RunAsync(System, cancellationToken);
        RetentionLog.Ran(logger, report.RunId, report.Certificates.Count);
    }

    protected override void Failed(string exceptionType) => RetentionLog.Failed(logger, exceptionType);
}

/// <summary>What retention logs: run ids, counts and exception types, never a subject or a reason text.</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "retention run {RunId} deleted {Count} items")]
    public static partial void Ran(ILogger logger, Guid runId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "retention run failed ({ExceptionType}); it runs again at the next interval")]
    public static partial void Failed(ILogger logger, string exceptionType);
}
