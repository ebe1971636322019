using Visage.Protection;
using Visage.Storage.Migrations;

namespace Visage.Storage;

/// <summary>
/// The protected store as the application starts it: the database (migrated to the newest schema), the key
/// provider, the store and the vault. Opening refuses to go on with a key that cannot be the one the data was
/// written with, so a lost key file is reported instead of silently replaced.
/// </summary>
public sealed class ProtectedStore : IAsyncDisposable
{
    private ProtectedStore(VisageDatabase database, IKeyProvider keys, TemplateVault vault, MigrationResult migration)
    {
        Database = database;
        Keys = keys;
        Vault = vault;
        Migration = migration;
    }

    public VisageDatabase Database { get; }

    public IKeyProvider Keys { get; }

    public BiometricStore Store => Vault.Store;

    public TemplateVault Vault { get; }

    public MigrationResult Migration { get; }

    public static VisageDatabase OpenDatabase(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider == "postgres"
            ? new PostgresDatabase(options.Postgres!)
            : new SqliteDatabase(Path.Combine(options.ResolveDataDirectory(), "visage.db"));
    }

    public static async Task<ProtectedStore> OpenAsync(StorageOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();

        var database = OpenDatabase(options);
        try
        {
            var migration = await new SchemaMigrator(database).MigrateAsync(cancellationToken);
            var store = new BiometricStore(database);
            var keys = await OpenKeysAsync(options, store, cancellationToken);
            var vault = await TemplateVault.OpenAsync(store, keys, cancellationToken: cancellationToken);
            return new ProtectedStore(database, keys, vault, migration);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        (Keys as IDisposable)?.Dispose();
        await Database.DisposeAsync();
    }

    private static async Task<IKeyProvider> OpenKeysAsync(StorageOptions options, BiometricStore store, CancellationToken cancellationToken)
    {
        if (options.Keys.Provider == "pkcs11")
        {
            return Pkcs11KeyProvider.Open(new Pkcs11Options(options.Keys.Pkcs11Library!, options.Keys.Pkcs11Token!, options.Keys.Pkcs11Pin!));
        }

        var path = options.Keys.File ?? Path.Combine(options.ResolveDataDirectory(), "visage.keys");
        if (!File.Exists(path) && (await store.CountWrappedKeysByVersionAsync(cancellationToken)).Count > 0)
        {
            throw new KeyProviderException(
                $"The key file {path} does not exist, but the database at {store.Database.Description} holds data encrypted under it. " +
                "Restore the key file from backup (or set Storage:Keys:File to where it is); Visage will not create a new key, which would make the data unreadable.");
        }

        return FileKeyProvider.OpenOrCreate(path);
    }
}
