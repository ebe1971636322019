using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Visage.Storage;

/// <summary>
/// Opens the store when the host starts, so a wrong key or an unreachable database stops start-up instead of the
/// first request; in a process that serves recognition it also loads the gallery, logging progress for large stores.
/// Nothing is closed here: the container disposes <see cref="ProtectedStoreLifetime"/> after everything that uses it.
/// </summary>
internal sealed partial class ProtectedStoreStartup(ProtectedStoreLifetime lifetime, StoreStartupMode mode, ILogger<ProtectedStoreStartup> logger) : IHostedService
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = await lifetime.OpenAsync(cancellationToken);
        LogOpened(logger, store.Database.Provider, store.Migration.ToVersion);
        if (!mode.LoadGallery)
        {
            return;
        }

        var total = await store.Store.CountAsync("templates", cancellationToken);
        var since = Stopwatch.StartNew();
        var progress = new Progress<long>(loaded =>
        {
            if (since.Elapsed >= ProgressEvery)
            {
                since.Restart();
                LogGalleryProgress(logger, loaded, total);
            }
        });
        var started = Stopwatch.StartNew();
        await lifetime.LoadGalleryAsync(progress, cancellationToken);
        LogGalleryLoaded(logger, lifetime.GalleryCount, started.Elapsed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "protected store opened ({Provider}, schema version {Version})")]
    private static partial void LogOpened(ILogger logger, StorageProvider provider, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "gallery: {Loaded} of {Total} templates loaded")]
    private static partial void LogGalleryProgress(ILogger logger, long loaded, long total);

    [LoggerMessage(Level = LogLevel.Information, Message = "gallery loaded: {Count} templates in {Elapsed}")]
    private static partial void LogGalleryLoaded(ILogger logger, int count, TimeSpan elapsed);
}

/// <summary>What <see cref="ProtectedStoreStartup"/> does beyond opening the store.</summary>
internal sealed record StoreStartupMode(bool LoadGallery);
