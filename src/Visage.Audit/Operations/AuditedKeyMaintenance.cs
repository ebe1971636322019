using System.Globalization;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>
/// Key rotation and template renewal, each recorded before it runs, at its target (or resumption), after every
/// committed batch and at its end; an audit log that refuses a batch record stops the maintenance there (resumable).
/// </summary>
public sealed class AuditedKeyMaintenance(ProtectedStoreLifetime store, AuditLog log)
{
    /// <param name="lockWait">How long to wait for another key maintenance, or another audit writer, to finish.</param>
    public async Task<RotationResult> RotateAsync(AuditActor actor, int batchSize, TimeSpan lockWait, IProgress<RotationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var opened = await store.OpenAsync(cancellationToken);
        // The one change made before the audit log exists: a key file from before signing gets the signing key the log
        // needs (only while nothing is signed); the rotation's first record says so.
        var signingKeyAdded = await new KeyRotation(opened.Store, opened.Keys) { LockWait = lockWait }.EnsureSigningKeyAsync(cancellationToken);
        await log.OpenAsync(lockWait, cancellationToken);
        await using var operation = await AuditedOperation.BeginAsync(
            log, actor, "keys.rotate", Purposes.Operations, version: KeyVersions.Kek(opened), reason: signingKeyAdded ? "signing key added" : null, cancellationToken: cancellationToken);
        var result = await new KeyRotation(opened.Store, opened.Keys) { LockWait = lockWait, Journal = new AuditedMaintenance(operation) }
            .RunAsync(batchSize, progress, cancellationToken);
        await operation.SucceededAsync(
            string.Create(CultureInfo.InvariantCulture, $"{result.Rewrapped} keys re-wrapped{(result.Resumed ? " (resumed)" : string.Empty)}, {result.Retired.Count} versions retired, {result.Verified} verified"),
            KeyVersions.Kek(opened));
        return result;
    }

    /// <param name="lockWait">How long to wait for another key maintenance, or another audit writer, to finish.</param>
    public async Task<RenewalResult> RenewAsync(AuditActor actor, int batchSize, TimeSpan lockWait, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var opened = await store.OpenAsync(cancellationToken);
        await log.OpenAsync(lockWait, cancellationToken);
        await using var operation = await AuditedOperation.BeginAsync(
            log, actor, "templates.renew", Purposes.Operations, version: KeyVersions.Transform(opened.Vault.TransformVersion), cancellationToken: cancellationToken);
        var result = await new TemplateRenewal(opened.Vault) { LockWait = lockWait, Journal = new AuditedMaintenance(operation) }
            .RunAsync(batchSize, progress, cancellationToken);
        await operation.SucceededAsync(
            string.Create(CultureInfo.InvariantCulture, $"{result.Reissued} templates re-issued{(result.Resumed ? " (resumed)" : string.Empty)}, {result.DestroyedTransformVersions.Count} transform keys destroyed"),
            KeyVersions.Transform(result.TransformVersion));
        return result;
    }
}
