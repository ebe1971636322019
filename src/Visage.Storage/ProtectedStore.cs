using Visage.Protection;
using Visage.Storage.Migrations;

namespace Visage.Storage;

/// <summary>
/// The protected store as the application starts it: the database (migrated to the newest schema), the key
/// provider, the store and the vault. Opening refuses to go on with a key that cannot be the one the data was
/// written with, so a lost key file, a wrong token or a removed signing key is reported instead of silently
/// replaced. Opening writes no key material, except a store's first keys, made under the
/// <see cref="KeyMaintenanceLock"/> so that two first starts agree on one set.
/// </summary>
public sealed class ProtectedStore : IAsyncDisposable
{
    // A first start only creates a key file and one transform key: another one waiting this long means it is stuck.
    private static readonly TimeSpan FirstKeysWait = TimeSpan.FromSeconds(30);

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
            var contents = await store.GetContentsAsync(cancellationToken);
            if (!contents.IsEmpty)
            {
                var keys = OpenKeys(options, contents);
                return new ProtectedStore(database, keys, await OpenVaultAsync(store, keys, cancellationToken), migration);
            }

            await using (await KeyMaintenanceLock.AcquireAsync(database, FirstKeysWait, cancellationToken))
            {
                // Another first start may have made the keys while this one waited.
                var keys = OpenKeys(options, await store.GetContentsAsync(cancellationToken));
                return new ProtectedStore(database, keys, await OpenVaultAsync(store, keys, cancellationToken), migration);
            }
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

    private static IKeyProvider OpenKeys(StorageOptions options, StoreContents contents)
    {
        if (options.Keys.Provider == "pkcs11")
        {
            return Pkcs11KeyProvider.Open(new Pkcs11Options(options.Keys.Pkcs11Library!, options.Keys.Pkcs11Token!, options.Keys.Pkcs11Pin!), contents);
        }

        return FileKeyProvider.Open(options.Keys.File ?? Path.Combine(options.ResolveDataDirectory(), "visage.keys"), contents);
    }

    private static async Task<TemplateVault> OpenVaultAsync(BiometricStore store, IKeyProvider keys, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await TemplateVault.OpenAsync(store, keys, cancellationToken: cancellationToken);
                }
                catch (KeyProviderException) when (attempt < 3)
                {
                    // A rotation in another process may have added a version between reading the keys and counting the
                    // store's wrapped keys; only a version still missing after re-reading the keys is refused.
                    keys.Refresh();
                }
            }
        }
        catch
        {
            (keys as IDisposable)?.Dispose();
            throw;
        }
    }
}
