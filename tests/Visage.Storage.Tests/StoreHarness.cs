using Visage.Protection;
using Visage.Storage.Migrations;

namespace Visage.Storage.Tests;

/// <summary>A migrated database, its store, a key file in a temp directory and a vault over them.</summary>
public sealed class StoreHarness : IAsyncDisposable
{
    private readonly DirectoryInfo directory;

    private StoreHarness(DirectoryInfo directory, VisageDatabase database, FileKeyProvider keys, TemplateVault vault)
    {
        this.directory = directory;
        Database = database;
        Store = vault.Store;
        Keys = keys;
        Vault = vault;
    }

    public VisageDatabase Database { get; }

    public BiometricStore Store { get; }

    public FileKeyProvider Keys { get; }

    public TemplateVault Vault { get; }

    public string KeyPath => Path.Combine(directory.FullName, "visage.keys");

    public static async Task<StoreHarness> CreateAsync(Func<DirectoryInfo, Task<VisageDatabase>> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        var directory = Directory.CreateTempSubdirectory("visage-store-");
        var database = await open(directory);
        await new SchemaMigrator(database).MigrateAsync();
        var keys = FileKeyProvider.OpenOrCreate(Path.Combine(directory.FullName, "visage.keys"));
        var vault = await TemplateVault.OpenAsync(new BiometricStore(database), keys);
        return new StoreHarness(directory, database, keys, vault);
    }

    /// <summary>A vault reopened over the same database and key file, as after a restart.</summary>
    public async Task<TemplateVault> ReopenAsync() => await TemplateVault.OpenAsync(new BiometricStore(Database), FileKeyProvider.OpenOrCreate(KeyPath));

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        directory.Delete(recursive: true);
    }
}
