using System.Data.Common;
using Microsoft.Extensions.Options;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>
/// The process's one <see cref="AuditChain"/> (one writer per database), opened on the store's database and keys on
/// first use or at start by <see cref="AuditLogStartup"/>, screened by the registered <see cref="IAuditTextScreen"/> (it
/// refuses to open without one),
/// closed (final checkpoint signed) when the host's services are disposed, before the store it writes to. With
/// <see cref="AccessAlerts"/> it replays the recent chain into them at open and attaches them, so alerts are raised
/// and verification lockouts hold across restarts and across processes on one database.
/// </summary>
public sealed class AuditLog(
    ProtectedStoreLifetime store,
    IOptions<AuditChainOptions> options,
    IOptions<StorageOptions> storage,
    IEnumerable<IAuditTextScreen> screens,
    AccessAlerts? alerts = null) : IAsyncDisposable
{
    private static readonly TimeSpan WriterRetry = TimeSpan.FromMilliseconds(100);
    private readonly OpenOnce<AuditChain> chain = new();

    public Task<AuditChain> OpenAsync(CancellationToken cancellationToken = default) => OpenAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Opens the chain, waiting up to <paramref name="writerWait"/> while another process is the database's one audit
    /// writer (a command run beside another); zero refuses at once.
    /// </summary>
    public async Task<AuditChain> OpenAsync(TimeSpan writerWait, CancellationToken cancellationToken = default)
    {
        if (chain.Current is { } open)
        {
            return open;
        }

        var protectedStore = await store.OpenAsync(cancellationToken);
        try
        {
            return await chain.GetAsync(token => OpenChainAsync(protectedStore, writerWait, token), cancellationToken);
        }
        catch (ExclusiveRoleTakenException ex)
        {
            throw new AuditUnavailableException($"The audit log cannot be written: {ex.Message}", ex);
        }
        catch (DbException ex)
        {
            throw new AuditUnavailableException($"The audit log could not be opened ({ex.Message.Trim()}).", ex);
        }
    }

    /// <summary>
    /// Appends and waits for the commit. A database that cannot take the record is an <see cref="AuditUnavailableException"/>,
    /// so the caller's operation fails instead of going unrecorded; a refused entry (PHI in its text) stays an
    /// <see cref="AuditTextRefusedException"/>.
    /// </summary>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        var writer = await OpenAsync(cancellationToken);
        try
        {
            return await writer.AppendAsync(entry, cancellationToken);
        }
        catch (DbException ex)
        {
            throw new AuditUnavailableException($"The audit log could not be written ({ex.Message.Trim()}).", ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new AuditUnavailableException("The audit log is closed; the host is shutting down.", ex);
        }
    }

    public ValueTask DisposeAsync() => chain.DisposeAsync();

    private async Task<AuditChain> OpenChainAsync(ProtectedStore protectedStore, TimeSpan writerWait, CancellationToken cancellationToken)
    {
        var configured = options.Value;
        // Fail closed: the reason is the log's only free text and is kept in clear for years.
        var screen = configured.TextScreen ?? screens.LastOrDefault()
            ?? throw new InvalidOperationException("The audit log needs a text screen for its reasons: register one (AddDeidentification registers the PHI screen).");
        var chainOptions = new AuditChainOptions
        {
            CheckpointEveryRecords = configured.CheckpointEveryRecords,
            CheckpointInterval = configured.CheckpointInterval,
            MaxBatch = configured.MaxBatch,
            TimeProvider = configured.TimeProvider,
            CheckpointSink = configured.CheckpointSink,
            AnchorFile = configured.AnchorFile is { Length: > 0 } anchor
                ? Path.GetFullPath(anchor)
                : CheckpointAnchorLocation.For(protectedStore.Database, storage.Value.ResolveDataDirectory()),
            TextScreen = screen,
        };
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var opened = await AuditChain.OpenAsync(protectedStore.Database, protectedStore.Keys, chainOptions, cancellationToken);
                if (alerts is not null)
                {
                    try
                    {
                        await alerts.RestoreAsync(protectedStore.Database, configured.TimeProvider.GetUtcNow(), cancellationToken);
                    }
                    catch
                    {
                        await opened.DisposeAsync();
                        throw;
                    }

                    opened.Observer = alerts;
                }

                return opened;
            }
            catch (ExclusiveRoleTakenException) when (waited.Elapsed < writerWait)
            {
                await Task.Delay(WriterRetry, cancellationToken);
            }
        }
    }
}
