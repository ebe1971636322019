using System.Globalization;
using System.Security.Cryptography;
using Visage.Protection;

namespace Visage.Storage;

/// <summary>Progress of a rotation: wrapped keys moved to the target version so far, of those that needed it at the start.</summary>
public sealed record RotationProgress(int TargetVersion, long Done, long Total);

/// <summary>What a rotation did; <paramref name="Verified"/> counts the stored keys unwrapped afterwards from the re-read key source.</summary>
public sealed record RotationResult(int TargetVersion, bool Resumed, long Rewrapped, IReadOnlyList<int> Retired, long Verified = 0);

/// <summary>
/// Moves every wrapped key (subject data keys, transform keys) to the current key-encryption key version in
/// batches, one transaction each. The whole run holds the store's <see cref="KeyMaintenanceLock"/>, and starts by
/// re-reading the provider, so a second rotation (or renewal) never runs beside it and never works from key
/// versions another process has since changed. A rotation that was interrupted is resumed rather than restarted:
/// if any key is still wrapped under another version, the current version is the target and no new one is made.
/// An old version is retired only when the store proves nothing is wrapped under it any more. Before reporting
/// success, every stored key is unwrapped again with the keys re-read from their source.
/// </summary>
public sealed class KeyRotation(BiometricStore store, IKeyProvider keys)
{
    private const int VerifyPage = 1000;

    /// <summary>How long to wait for another process's key maintenance on this store to finish; zero refuses at once.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.Zero;

    /// <summary>Told of the start and of every committed batch (the host records them in the audit log).</summary>
    public IMaintenanceJournal? Journal { get; init; }

    public async Task<RotationResult> RunAsync(int batchSize = 500, IProgress<RotationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        await using var maintenance = await KeyMaintenanceLock.AcquireAsync(store.Database, LockWait, cancellationToken);
        keys.Refresh();
        var counts = await store.CountWrappedKeysByVersionAsync(cancellationToken);
        var missing = counts.Keys.Except(keys.Versions).Order().ToList();
        if (missing.Count > 0)
        {
            throw new KeyProviderException(
                $"The database at {store.Database.Description} holds keys wrapped under key version(s) {string.Join(", ", missing)}, which the '{keys.Name}' key provider does not have; " +
                "nothing was rotated. Point Visage at the key file or token this database was created with (restore it from backup).");
        }

        await AddSigningKeyIfAllowedAsync(cancellationToken);
        var resumed = counts.Keys.Any(v => v != keys.CurrentVersion);
        var target = resumed ? keys.CurrentVersion : keys.Rotate();
        var total = counts.Where(c => c.Key != target).Sum(c => c.Value);
        long done = 0;
        var batches = 0;
        var version = string.Create(CultureInfo.InvariantCulture, $"kek-v{target}");
        if (Journal is { } journal)
        {
            await journal.StartedAsync(new MaintenanceStart(version, resumed, total), cancellationToken);
        }

        progress?.Report(new RotationProgress(target, 0, total));

        foreach (var transformKey in await store.GetTransformKeysAsync(cancellationToken))
        {
            if (transformKey.WrappedKey.KeyVersion == target)
            {
                continue;
            }

            var aad = KeyBindings.TransformKey(transformKey.Version);
            var secret = keys.Unwrap(transformKey.WrappedKey, aad, $"transform-key-v{transformKey.Version}");
            await store.ReplaceTransformKeyWrappingAsync(transformKey, keys.Wrap(secret, aad), cancellationToken);
            CryptographicOperations.ZeroMemory(secret);
            progress?.Report(new RotationProgress(target, ++done, total));
        }

        if (done > 0 && Journal is { } transformJournal)
        {
            await transformJournal.BatchCommittedAsync(new MaintenanceBatch(version, ++batches, done, total), cancellationToken);
        }

        while (true)
        {
            var batch = await store.GetSubjectsNotWrappedUnderAsync(target, batchSize, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            var changes = batch.Select(subject =>
            {
                var aad = KeyBindings.SubjectKey(subject.SubjectId, subject.KeyId);
                var dataKey = keys.Unwrap(subject.WrappedKey, aad, subject.SubjectId.ToString("N"));
                var next = keys.Wrap(dataKey, aad);
                CryptographicOperations.ZeroMemory(dataKey);
                return (subject, next);
            }).ToList();
            await store.ReplaceWrappedKeysAsync(changes, cancellationToken);
            done += batch.Count;
            if (Journal is { } batchJournal)
            {
                await batchJournal.BatchCommittedAsync(new MaintenanceBatch(version, ++batches, done, total), cancellationToken);
            }

            progress?.Report(new RotationProgress(target, done, total));
        }

        var retired = await RetireUnusedAsync(cancellationToken);
        var verified = await VerifyAsync(store, keys, cancellationToken);
        return new RotationResult(target, resumed, done, retired, verified);
    }

    /// <summary>
    /// Re-reads the keys from their source and unwraps every stored transform key and subject data key with them;
    /// returns how many. Throws (<see cref="ProtectedDataException"/> naming the record) at the first that does not
    /// unwrap, so no maintenance reports success over a key it cannot open.
    /// </summary>
    internal static async Task<long> VerifyAsync(BiometricStore store, IKeyProvider keys, CancellationToken cancellationToken)
    {
        keys.Refresh();
        long verified = 0;
        foreach (var transformKey in await store.GetTransformKeysAsync(cancellationToken))
        {
            CryptographicOperations.ZeroMemory(keys.Unwrap(transformKey.WrappedKey, KeyBindings.TransformKey(transformKey.Version), $"transform-key-v{transformKey.Version}"));
            verified++;
        }

        Guid? after = null;
        while (true)
        {
            var page = await store.GetSubjectsAfterAsync(after, VerifyPage, cancellationToken);
            foreach (var subject in page)
            {
                CryptographicOperations.ZeroMemory(keys.Unwrap(subject.WrappedKey, KeyBindings.SubjectKey(subject.SubjectId, subject.KeyId), subject.SubjectId.ToString("N")));
            }

            verified += page.Count;
            if (page.Count < VerifyPage)
            {
                return verified;
            }

            after = page[^1].SubjectId;
        }
    }

    /// <summary>
    /// Gives a key file or token written before signing existed its signing key (under the maintenance lock), so that an
    /// audit log can be opened to record the rotation itself; true when one was added.
    /// </summary>
    public async Task<bool> EnsureSigningKeyAsync(CancellationToken cancellationToken = default)
    {
        if (keys.HasSigningKey)
        {
            return false;
        }

        await using var maintenance = await KeyMaintenanceLock.AcquireAsync(store.Database, LockWait, cancellationToken);
        keys.Refresh();
        if (keys.HasSigningKey)
        {
            return false;
        }

        await AddSigningKeyIfAllowedAsync(cancellationToken);
        return true;
    }

    /// <summary>A key file or token written before signing existed gains its signing key here, and only over a store holding nothing signed.</summary>
    private async Task AddSigningKeyIfAllowedAsync(CancellationToken cancellationToken)
    {
        if (keys.HasSigningKey)
        {
            return;
        }

        if ((await store.GetContentsAsync(cancellationToken)).SignedRecords)
        {
            throw new KeyProviderException(
                $"The '{keys.Name}' key provider holds no signing key, but the database at {store.Database.Description} holds signed deletion certificates or audit checkpoints. " +
                "Nothing was rotated. Restore the signing key from backup; a new one could not verify what the old one signed.");
        }

        keys.AddSigningKeyIfMissing();
    }

    /// <summary>Retires every non-current version that no stored key is wrapped under (called under the lock).</summary>
    private async Task<IReadOnlyList<int>> RetireUnusedAsync(CancellationToken cancellationToken)
    {
        var inUse = await store.CountWrappedKeysByVersionAsync(cancellationToken);
        var retired = new List<int>();
        foreach (var version in keys.Versions)
        {
            if (version != keys.CurrentVersion && !inUse.ContainsKey(version))
            {
                keys.Retire(version);
                retired.Add(version);
            }
        }

        return retired;
    }
}
