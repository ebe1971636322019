using System.Security.Cryptography;
using Visage.Protection;

namespace Visage.Storage;

/// <summary>What a template renewal did.</summary>
public sealed record RenewalResult(int TransformVersion, bool Resumed, long Reissued, IReadOnlyList<int> DestroyedTransformVersions);

/// <summary>
/// Cancels every template: makes a new transform key, re-issues each template under it (undo the old rotation,
/// apply the new, re-encrypt) in batches of one transaction each, then destroys the old transform keys. After
/// that, a copied old template is useless: nothing can map it into the space new probes live in. Resumable like
/// <see cref="KeyRotation"/>. Running nodes must reload their gallery afterwards.
/// </summary>
public sealed class TemplateRenewal(TemplateVault vault)
{
    public async Task<RenewalResult> RunAsync(int batchSize = 500, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var store = vault.Store;
        // The vault derived every stored transform at open; the newest is its current one.
        var latest = vault.TransformVersion;
        var resumed = (await store.GetTemplatesNotUnderTransformAsync(latest, 1, cancellationToken)).Count > 0;
        var target = latest;
        var targetTransform = vault.TransformFor(latest);
        if (!resumed)
        {
            target = latest + 1;
            var secret = RandomNumberGenerator.GetBytes(32);
            await store.InsertTransformKeyAsync(new TransformKeyRecord(target, vault.Keys.Wrap(secret, KeyBindings.TransformKey(target)), DateTimeOffset.UtcNow), cancellationToken);
            targetTransform = new CancelableTransform(secret, vault.Dimensions);
            CryptographicOperations.ZeroMemory(secret);
        }

        long done = 0;
        while (true)
        {
            var batch = await store.GetTemplatesNotUnderTransformAsync(target, batchSize, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            var changes = new List<(TemplateRecord, int, byte[])>(batch.Count);
            using (var keys = new SubjectKeyCursor(vault))
            {
                // Rows arrive ordered by subject, so each subject's key is unwrapped once per batch.
                foreach (var (subject, record) in batch)
                {
                    var dataKey = keys.KeyFor(subject);
                    var old = vault.Open(dataKey, record);
                    var renewed = targetTransform.Apply(vault.TransformFor(record.TransformVersion).Invert(old.Vector));
                    changes.Add((record, target, TemplateVault.Seal(dataKey, record.Id, record.SubjectId, target, renewed)));
                }
            }

            await store.ReplaceTemplatesAsync(changes, cancellationToken);
            done += changes.Count;
            progress?.Report(done);
        }

        return new RenewalResult(target, resumed, done, await store.DeleteUnusedTransformKeysAsync(target, cancellationToken));
    }
}
