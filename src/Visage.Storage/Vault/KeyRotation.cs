using System.Security.Cryptography;
using Visage.Protection;

namespace Visage.Storage;

/// <summary>Progress of a rotation: wrapped keys moved to the target version so far, of those that needed it at the start.</summary>
public sealed record RotationProgress(int TargetVersion, long Done, long Total);

/// <summary>What a rotation did.</summary>
public sealed record RotationResult(int TargetVersion, bool Resumed, long Rewrapped, IReadOnlyList<int> Retired);

/// <summary>
/// Moves every wrapped key (subject data keys, transform keys) to the current key-encryption key version in
/// batches, one transaction each. A rotation that was interrupted is resumed rather than restarted: if any
/// key is still wrapped under another version, the current version is the target and no new one is made.
/// An old version is retired only when the store proves nothing is wrapped under it any more.
/// </summary>
public sealed class KeyRotation(BiometricStore store, IKeyProvider keys)
{
    public async Task<RotationResult> RunAsync(int batchSize = 500, IProgress<RotationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var counts = await store.CountWrappedKeysByVersionAsync(cancellationToken);
        var resumed = counts.Keys.Any(v => v != keys.CurrentVersion);
        var target = resumed ? keys.CurrentVersion : keys.Rotate();
        var total = counts.Where(c => c.Key != target).Sum(c => c.Value);
        long done = 0;
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
            progress?.Report(new RotationProgress(target, done, total));
        }

        return new RotationResult(target, resumed, done, await RetireUnusedAsync(cancellationToken));
    }

    /// <summary>Retires every non-current version that no stored key is wrapped under.</summary>
    public async Task<IReadOnlyList<int>> RetireUnusedAsync(CancellationToken cancellationToken = default)
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
