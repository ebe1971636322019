using System.Globalization;
using System.Security.Cryptography;
using Visage.Protection;

namespace Visage.Storage;

/// <summary>What a template renewal did.</summary>
public sealed record RenewalResult(int TransformVersion, bool Resumed, long Reissued, IReadOnlyList<int> DestroyedTransformVersions);

/// <summary>
/// Cancels every template: makes a new transform key, re-issues each template under it (undo the old rotation,
/// apply the new, re-encrypt) in batches of one transaction each, then destroys the old transform keys. After
/// that, a copied old template is useless: nothing can map it into the space new probes live in. Resumable like
/// <see cref="KeyRotation"/>, and like it holds the store's <see cref="KeyMaintenanceLock"/> throughout, so two
/// renewals (or a renewal and a rotation) never run at once. Before reporting success every template is decrypted
/// again through a freshly opened vault. Running nodes must reload their gallery afterwards.
/// </summary>
public sealed class TemplateRenewal(TemplateVault vault)
{
    /// <summary>How long to wait for another process's key maintenance on this store to finish; zero refuses at once.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.Zero;

    /// <summary>Told of the start and of every committed batch (the host records them in the audit log).</summary>
    public IMaintenanceJournal? Journal { get; init; }

    public async Task<RenewalResult> RunAsync(int batchSize = 500, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var store = vault.Store;
        await using var maintenance = await KeyMaintenanceLock.AcquireAsync(store.Database, LockWait, cancellationToken);

        // The vault given may have been opened before another process renewed or rotated: reopen it under the lock so
        // its transforms and key versions are the stored ones (the given vault itself is left as it was).
        vault.Keys.Refresh();
        var current = await TemplateVault.OpenAsync(store, vault.Keys, vault.Dimensions, cancellationToken);
        var latest = current.TransformVersion;
        var resumed = (await store.GetTemplatesNotUnderTransformAsync(latest, 1, cancellationToken)).Count > 0;
        var target = latest;
        var targetTransform = current.TransformFor(latest);
        if (!resumed)
        {
            target = latest + 1;
            var secret = RandomNumberGenerator.GetBytes(32);
            await store.InsertTransformKeyAsync(new TransformKeyRecord(target, current.Keys.Wrap(secret, KeyBindings.TransformKey(target)), DateTimeOffset.UtcNow), cancellationToken);
            targetTransform = new CancelableTransform(secret, current.Dimensions);
            CryptographicOperations.ZeroMemory(secret);
        }

        long done = 0;
        var batches = 0;
        var version = string.Create(CultureInfo.InvariantCulture, $"transform-v{target}");
        var total = Journal is null ? 0 : await store.CountAsync("templates", cancellationToken);
        if (Journal is { } journal)
        {
            await journal.StartedAsync(new MaintenanceStart(version, resumed, total), cancellationToken);
        }

        while (true)
        {
            var batch = await store.GetTemplatesNotUnderTransformAsync(target, batchSize, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            var changes = new List<(TemplateRecord, int, byte[])>(batch.Count);
            using (var keys = new SubjectKeyCursor(current))
            {
                // Rows arrive ordered by subject, so each subject's key is unwrapped once per batch.
                foreach (var (subject, record) in batch)
                {
                    var dataKey = keys.KeyFor(subject);
                    var old = current.Open(dataKey, record);
                    var renewed = targetTransform.Apply(current.TransformFor(record.TransformVersion).Invert(old.Vector));
                    changes.Add((record, target, TemplateVault.Seal(dataKey, record.Id, record.SubjectId, target, renewed)));
                }
            }

            await store.ReplaceTemplatesAsync(changes, cancellationToken);
            done += changes.Count;
            if (Journal is { } batchJournal)
            {
                await batchJournal.BatchCommittedAsync(new MaintenanceBatch(version, ++batches, done, total), cancellationToken);
            }

            progress?.Report(done);
        }

        var destroyed = await store.DeleteUnusedTransformKeysAsync(target, cancellationToken);
        await VerifyAsync(store, current.Keys, current.Dimensions, target, cancellationToken);
        return new RenewalResult(target, resumed, done, destroyed);
    }

    /// <summary>
    /// Opens a new vault over the store (unwrapping every stored transform key with keys re-read from their source)
    /// and decrypts every template through it; throws at the first that does not open.
    /// </summary>
    private static async Task VerifyAsync(BiometricStore store, IKeyProvider keys, int dimensions, int target, CancellationToken cancellationToken)
    {
        keys.Refresh();
        var check = await TemplateVault.OpenAsync(store, keys, dimensions, cancellationToken);
        if (check.TransformVersion != target)
        {
            throw new StorageException($"After renewal the newest transform key of {store.Database.Description} is version {check.TransformVersion}, not {target}; run the renewal again.");
        }

        await foreach (var template in check.LoadAllAsync(cancellationToken))
        {
            Array.Clear(template.Vector);
        }
    }
}
