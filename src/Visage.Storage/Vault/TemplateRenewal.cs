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
        var keys = vault.Keys;
        var transforms = new Dictionary<int, CancelableTransform>();
        foreach (var key in await store.GetTransformKeysAsync(cancellationToken))
        {
            var secret = keys.Unwrap(key.WrappedKey, KeyBindings.TransformKey(key.Version), $"transform-key-v{key.Version}");
            transforms[key.Version] = new CancelableTransform(secret, vault.Dimensions);
            CryptographicOperations.ZeroMemory(secret);
        }

        var latest = transforms.Keys.Max();
        var resumed = (await store.GetTemplatesNotUnderTransformAsync(latest, 1, cancellationToken)).Count > 0;
        var target = latest;
        if (!resumed)
        {
            target = latest + 1;
            var secret = RandomNumberGenerator.GetBytes(32);
            await store.InsertTransformKeyAsync(new TransformKeyRecord(target, keys.Wrap(secret, KeyBindings.TransformKey(target)), DateTimeOffset.UtcNow), cancellationToken);
            transforms[target] = new CancelableTransform(secret, vault.Dimensions);
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
            foreach (var group in batch.GroupBy(b => b.Subject.SubjectId))
            {
                var dataKey = vault.Unwrap(group.First().Subject);
                try
                {
                    foreach (var (_, record) in group)
                    {
                        var old = vault.Open(dataKey, record);
                        var renewed = transforms[target].Apply(transforms[record.TransformVersion].Invert(old.Vector));
                        changes.Add((record, target, TemplateVault.Seal(dataKey, record.Id, record.SubjectId, target, renewed)));
                    }
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(dataKey);
                }
            }

            await store.ReplaceTemplatesAsync(changes, cancellationToken);
            done += changes.Count;
            progress?.Report(done);
        }

        return new RenewalResult(target, resumed, done, await store.DeleteUnusedTransformKeysAsync(target, cancellationToken));
    }
}
