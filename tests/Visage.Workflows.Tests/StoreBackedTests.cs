using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Storage;

namespace Visage.Workflows.Tests;

/// <summary>
/// A real protected store and audit log per test, on the database the subclass gives (SQLite file or a PostgreSQL
/// database of the shared cluster); reopened on demand to prove what was stored survives a restart.
/// </summary>
public abstract class StoreBackedTests : IAsyncLifetime
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-workflows-");
    private StorageOptions storage = null!;

    protected string Data => Path.Combine(root.FullName, "data");

    protected ProtectedStoreLifetime Store { get; private set; } = null!;

    protected AuditLog Log { get; private set; } = null!;

    /// <summary>The alerts attached to <see cref="Log"/> (rebuilt from the chain at each open, as a host does).</summary>
    protected AccessAlerts Alerts { get; private set; } = null!;

    /// <summary>The screens the audit log (and services that keep free text) apply.</summary>
    protected abstract IReadOnlyList<IAuditTextScreen> Screens { get; }

    /// <summary>Which templates the store's gallery holds, as the host's recognition registers it (none: every template).</summary>
    protected virtual GalleryModelScope? GalleryScope => null;

    public async Task InitializeAsync()
    {
        storage = await CreateStoreOptionsAsync();
        Open();
    }

    public async Task DisposeAsync()
    {
        await CloseAsync();
        root.Delete(recursive: true);
    }

    protected abstract Task<StorageOptions> CreateStoreOptionsAsync();

    /// <summary>Builds the service under test on <see cref="Store"/> and <see cref="Log"/>; called again after a reopen.</summary>
    protected abstract void CreateServices();

    /// <summary>Closes the store and the log and opens them again, as a restart would.</summary>
    protected async Task ReopenAsync()
    {
        await CloseAsync();
        Open();
    }

    protected async Task<List<AuditRecord>> AuditAsync()
    {
        var opened = await Store.OpenAsync();
        return [.. (await new AuditQueries(opened.Database).ByTimeRangeAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), 0, AuditQueries.MaxPageSize)).Records];
    }

    private void Open()
    {
        Store = new ProtectedStoreLifetime(Options.Create(storage), GalleryScope);
        Alerts = new AccessAlerts();
        Log = new AuditLog(Store, Options.Create(new AuditChainOptions()), Options.Create(storage), Screens, Alerts);
        CreateServices();
    }

    private async Task CloseAsync()
    {
        await Log.DisposeAsync();
        await Store.DisposeAsync();
    }
}
