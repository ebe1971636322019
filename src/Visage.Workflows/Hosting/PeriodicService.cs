using Microsoft.Extensions.Hosting;
using Visage.Audit;

namespace Visage.Workflows.Hosting;

/// <summary>
/// A job a long-running host runs at start and then every <c>interval</c>, as the system: a failed run is reported
/// through <see cref="Failed"/> (the exception's type only: no PHI) and tried again at the next tick.
/// </summary>
internal abstract class PeriodicService(bool enabled, TimeSpan interval) : BackgroundService
{
    /// <summary>Who the audit log records as acting in a run nobody asked for.</summary>
    protected static readonly AuditActor System = new("visage", "system");

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected abstract void Failed(string exceptionType);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
#pragma warning disable CA1031 // A failed run is reported (the type only) and tried again at the next tick.
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    Failed(ex.GetType().Name);
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
