using System.Globalization;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>Subject deletion and its proof, each recorded in the audit log before it runs (every front end uses these).</summary>
public sealed class AuditedSubjects(ProtectedStoreLifetime store, AuditLog log)
{
    /// <summary>
    /// Crypto-shreds the subject (the gallery drops it at once) and returns its signed certificate; null when there is no
    /// such subject (recorded as a failure).
    /// </summary>
    public async Task<DeletionCertificateRecord?> DeleteAsync(AuditActor actor, Guid subject, DeletionReason reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var opened = await store.OpenAsync(cancellationToken);
        await using var operation = await AuditedOperation.BeginAsync(
            log, actor, "subject.delete", Purposes.Operations, subject.ToString(), KeyVersions.Kek(opened), reason.ToCode(), cancellationToken);
        var record = await store.DeleteSubjectAsync(subject, actor.Id, reason, cancellationToken);
        if (record is null)
        {
            await operation.FailedAsync("no such subject");
            return null;
        }

        await operation.SucceededAsync($"{reason.ToCode()}; certificate {record.Id:N}");
        return record;
    }

    /// <summary>
    /// The subject's deletion certificates, each checked against <paramref name="publicKey"/> (DER SubjectPublicKeyInfo)
    /// or, without one, the key provider's signing key.
    /// </summary>
    public async Task<IReadOnlyList<CheckedCertificate>> CertificatesAsync(AuditActor actor, Guid subject, byte[]? publicKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var opened = await store.OpenAsync(cancellationToken);
        await using var operation = await AuditedOperation.BeginAsync(
            log, actor, "subject.certificates.read", Purposes.SecurityReview, subject.ToString(), KeyVersions.Kek(opened), cancellationToken: cancellationToken);
        var records = await opened.Store.GetDeletionCertificatesAsync(subject, cancellationToken);
        var key = publicKey ?? opened.Keys.ExportSigningPublicKey();
        var checkedRecords = records.Select(r => new CheckedCertificate(r, DeletionCertificate.Verify(r, key))).ToList();
        if (checkedRecords.Count == 0)
        {
            await operation.FailedAsync("no deletion certificate");
            return checkedRecords;
        }

        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"{checkedRecords.Count} certificates shown, {checkedRecords.Count(c => !c.Valid)} with an invalid signature"));
        return checkedRecords;
    }
}

/// <summary>A deletion certificate and whether its signature verifies.</summary>
public sealed record CheckedCertificate(DeletionCertificateRecord Record, bool Valid);

/// <summary>Key versions as audit records name them.</summary>
public static class KeyVersions
{
    public static string Kek(ProtectedStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return string.Create(CultureInfo.InvariantCulture, $"kek-v{store.Keys.CurrentVersion}");
    }

    public static string Transform(int version) => string.Create(CultureInfo.InvariantCulture, $"transform-v{version}");
}
