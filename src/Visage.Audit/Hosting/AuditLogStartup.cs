using Microsoft.Extensions.Hosting;

namespace Visage.Audit;

/// <summary>Opens the audit chain when the host starts: a second writer, a damaged anchor file or an unwritable log stops start-up.</summary>
internal sealed class AuditLogStartup(AuditLog log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => log.OpenAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
