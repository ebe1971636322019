using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Visage.Gallery;
using Visage.Protection;

namespace Visage.Storage;

/// <summary>
/// Envelope encryption over the store. Each subject has its own AES-256 data key, wrapped by the key
/// provider; each template is the cancelable transform of an embedding, encrypted under the subject's key
/// and bound to its record. The vault is the only place where plaintext templates exist.
/// </summary>
public sealed class TemplateVault
{
    private const string EvidenceKindPrefix = "evidence:";

    private readonly BiometricStore store;
    private readonly IKeyProvider keys;
    private readonly ConcurrentDictionary<int, CancelableTransform> transforms;

    private TemplateVault(BiometricStore store, IKeyProvider keys, int dimensions, int transformVersion, ConcurrentDictionary<int, CancelableTransform> transforms)
    {
        this.store = store;
        this.keys = keys;
        this.transforms = transforms;
        Dimensions = dimensions;
        TransformVersion = transformVersion;
    }

    public int Dimensions { get; }

    /// <summary>The transform version new templates and probes are made under.</summary>
    public int TransformVersion { get; }

    public BiometricStore Store => store;

    public IKeyProvider Keys => keys;

    /// <summary>
    /// Opens the vault, creating the first transform key on an empty store. Refuses to open when any stored key
    /// is wrapped under a key version the provider does not hold: the key file or token is not the one this
    /// database was written with, and creating a new key would make every template unreadable.
    /// </summary>
    public static async Task<TemplateVault> OpenAsync(BiometricStore store, IKeyProvider keys, int dimensions = 512, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        var inUse = await store.CountWrappedKeysByVersionAsync(cancellationToken);
        var missing = inUse.Keys.Except(keys.Versions).Order().ToList();
        if (missing.Count > 0)
        {
            throw new KeyProviderException(
                $"The database at {store.Database.Description} holds keys wrapped under key version(s) {string.Join(", ", missing)}, " +
                $"which the '{keys.Name}' key provider does not have. Point Visage at the key file or token this database was created with " +
                "(restore it from backup); do not start with a new key.");
        }

        var transformKeys = await store.GetTransformKeysAsync(cancellationToken);
        var transforms = new ConcurrentDictionary<int, CancelableTransform>();
        if (transformKeys.Count == 0)
        {
            var secret = RandomNumberGenerator.GetBytes(32);
            var record = new TransformKeyRecord(1, keys.Wrap(secret, KeyBindings.TransformKey(1)), DateTimeOffset.UtcNow);
            await store.InsertTransformKeyAsync(record, cancellationToken);
            transforms[1] = new CancelableTransform(secret, dimensions);
            CryptographicOperations.ZeroMemory(secret);
            return new TemplateVault(store, keys, dimensions, 1, transforms);
        }

        foreach (var key in transformKeys)
        {
            var secret = keys.Unwrap(key.WrappedKey, KeyBindings.TransformKey(key.Version), $"transform-key-v{key.Version}");
            transforms[key.Version] = new CancelableTransform(secret, dimensions);
            CryptographicOperations.ZeroMemory(secret);
        }

        return new TemplateVault(store, keys, dimensions, transformKeys[^1].Version, transforms);
    }

    /// <summary>The transform of a version this vault loaded at open (every stored one).</summary>
    internal CancelableTransform TransformFor(int version) => transforms[version];

    /// <summary>Applies the current cancelable transform to a probe so it can be compared with stored templates.</summary>
    public float[] Protect(ReadOnlySpan<float> embedding) => transforms[TransformVersion].Apply(embedding);

    /// <summary>Stores a new template for the subject (creating the subject and its data key on first enrolment); returns the template id.</summary>
    public async Task<ProtectedTemplate> EnrolAsync(Guid subjectId, ReadOnlyMemory<float> embedding, Purposes purposes, string modelVersion, CancellationToken cancellationToken = default) =>
        (await EnrolAsync(subjectId, [embedding], purposes, modelVersion, cancellationToken: cancellationToken))[0];

    /// <summary>
    /// Stores one template per embedding for the subject (creating the subject and its data key on first enrolment), all
    /// in one transaction: a failure or a crash stores none of them.
    /// </summary>
    /// <param name="alongside">The caller's own rows, written in the same transaction.</param>
    public async Task<IReadOnlyList<ProtectedTemplate>> EnrolAsync(
        Guid subjectId,
        IReadOnlyList<ReadOnlyMemory<float>> embeddings,
        Purposes purposes,
        string modelVersion,
        Func<DbTransaction, CancellationToken, Task>? alongside = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        if (!PurposeCodes.IsTemplateSet(purposes))
        {
            throw new ArgumentException("A template serves one or more recognition purposes (check-in, emergency-identification, step-up, research, duplicate-detection) and nothing else.", nameof(purposes));
        }

        if (embeddings.Count == 0 || embeddings.Any(e => e.Length != Dimensions))
        {
            throw new ArgumentException($"Expected one or more {Dimensions}-dimensional embeddings.", nameof(embeddings));
        }

        var vectors = embeddings.Select(e => Protect(e.Span)).ToList();
        return await WriteUnderDataKeyAsync<IReadOnlyList<ProtectedTemplate>>(
            subjectId,
            dataKey =>
            {
                var now = DateTimeOffset.UtcNow;
                var templates = vectors.Select(v => new ProtectedTemplate(Guid.NewGuid(), subjectId, purposes, TransformVersion, modelVersion, v)).ToList();
                var records = templates.Select(t => new TemplateRecord(t.Id, subjectId, purposes, TransformVersion, modelVersion, now, Seal(dataKey, t.Id, subjectId, TransformVersion, t.Vector))).ToList();
                return (records, [], templates);
            },
            alongside,
            cancellationToken);
    }

    /// <summary>
    /// Stores encrypted content of <paramref name="kind"/> under the subject's data key, creating the subject and its key
    /// when it has none yet: a record kept apart from any face (a person's record details, a review's probe image) that a
    /// deletion of <paramref name="subjectId"/> crypto-shreds with a certificate.
    /// </summary>
    /// <param name="alongside">The caller's own rows, written in the same transaction.</param>
    public Task<Guid> SealAsync(Guid subjectId, string kind, ReadOnlyMemory<byte> content, Func<DbTransaction, CancellationToken, Task>? alongside = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var copy = content.ToArray();
        return WriteUnderDataKeyAsync<Guid>(
            subjectId,
            dataKey =>
            {
                var id = Guid.NewGuid();
                var ciphertext = SubjectDataCipher.Encrypt(dataKey, new RecordBinding(id, subjectId, EvidenceKindPrefix + kind), copy);
                return ([], [new EvidenceRecord(id, subjectId, kind, DateTimeOffset.UtcNow, ciphertext)], id);
            },
            alongside,
            cancellationToken);
    }

    /// <summary>Stores an encrypted probe or evidence image for an existing subject.</summary>
    public async Task<Guid> AddEvidenceAsync(Guid subjectId, string kind, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        var dataKey = await GetDataKeyAsync(subjectId, cancellationToken)
            ?? throw new StorageException($"Subject {subjectId:N} does not exist; enrol before storing evidence.");
        try
        {
            var id = Guid.NewGuid();
            var ciphertext = SubjectDataCipher.Encrypt(dataKey, new RecordBinding(id, subjectId, EvidenceKindPrefix + kind), content.Span);
            await store.InsertEvidenceAsync(new EvidenceRecord(id, subjectId, kind, DateTimeOffset.UtcNow, ciphertext), cancellationToken);
            return id;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public async Task<IReadOnlyList<(Guid Id, string Kind, byte[] Content)>> GetEvidenceAsync(Guid subjectId, CancellationToken cancellationToken = default)
    {
        var records = await store.GetEvidenceAsync(subjectId, cancellationToken);
        if (records.Count == 0)
        {
            return [];
        }

        var dataKey = await GetDataKeyAsync(subjectId, cancellationToken) ?? throw new StorageException($"Subject {subjectId:N} does not exist.");
        try
        {
            return [.. records.Select(r => (r.Id, r.Kind, SubjectDataCipher.Decrypt(dataKey, new RecordBinding(r.Id, r.SubjectId, EvidenceKindPrefix + r.Kind), r.Ciphertext)))];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public async Task<IReadOnlyList<ProtectedTemplate>> GetTemplatesAsync(Guid subjectId, CancellationToken cancellationToken = default)
    {
        var records = await store.GetTemplatesAsync(subjectId, cancellationToken);
        if (records.Count == 0)
        {
            return [];
        }

        var dataKey = await GetDataKeyAsync(subjectId, cancellationToken) ?? throw new StorageException($"Subject {subjectId:N} does not exist.");
        try
        {
            return [.. records.Select(r => Open(dataKey, r))];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Every template in the store, decrypted, unwrapping each subject's key once; for loading the gallery.</summary>
    public async IAsyncEnumerable<ProtectedTemplate> LoadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var keys = new SubjectKeyCursor(this);
        await foreach (var (subject, template) in store.StreamTemplatesAsync(cancellationToken))
        {
            yield return Open(keys.KeyFor(subject), template);
        }
    }

    /// <summary>
    /// Crypto-shredding: deletes the subject's templates, evidence and wrapped data key in one transaction,
    /// stores a signed certificate of it, then scrubs the freed space. Null when the subject does not exist.
    /// </summary>
    /// <param name="actor">Who asked for it, as an <see cref="OperatorId"/>; refused otherwise, before anything is deleted.</param>
    public async Task<DeletionCertificateRecord?> DeleteSubjectAsync(Guid subjectId, string actor, DeletionReason reason, CancellationToken cancellationToken = default)
    {
        if (!OperatorId.IsValid(actor))
        {
            throw new StorageException($"The deletion's actor must be {OperatorId.Rule}; nothing was deleted.");
        }

        var code = reason.ToCode();
        var fingerprint = DeletionCertificate.Fingerprint(keys.ExportSigningPublicKey());
        return await store.DeleteSubjectAsync(
            subjectId,
            (subject, deleted) => new DeletionCertificate(
                DeletionCertificate.CurrentFormat,
                Guid.NewGuid(),
                subjectId,
                DateTimeOffset.UtcNow,
                actor,
                code,
                deleted.Templates,
                deleted.Evidence,
                subject.KeyId,
                keys.Name,
                subject.WrappedKey.KeyVersion,
                fingerprint).SignWith(keys),
            cancellationToken);
    }

    /// <summary>The binding names the transform version too, so relabelling a template's version is detected.</summary>
    internal static byte[] Seal(byte[] dataKey, Guid id, Guid subjectId, int transformVersion, float[] vector) =>
        SubjectDataCipher.Encrypt(dataKey, TemplateBinding(id, subjectId, transformVersion), MemoryMarshal.AsBytes(vector.AsSpan()));

    internal ProtectedTemplate Open(byte[] dataKey, TemplateRecord record)
    {
        var plaintext = SubjectDataCipher.Decrypt(dataKey, TemplateBinding(record.Id, record.SubjectId, record.TransformVersion), record.Ciphertext);
        if (plaintext.Length != Dimensions * sizeof(float))
        {
            throw new ProtectedDataException(record.Id.ToString("N"), ProtectedDataFailure.UnknownFormatVersion);
        }

        return new ProtectedTemplate(record.Id, record.SubjectId, record.Purposes, record.TransformVersion, record.ModelVersion, MemoryMarshal.Cast<byte, float>(plaintext).ToArray());
    }

    private static RecordBinding TemplateBinding(Guid id, Guid subjectId, int transformVersion) =>
        new(id, subjectId, string.Create(CultureInfo.InvariantCulture, $"template/t{transformVersion}"));

    internal byte[] Unwrap(SubjectKeyRecord subject) =>
        keys.Unwrap(subject.WrappedKey, KeyBindings.SubjectKey(subject.SubjectId, subject.KeyId), subject.SubjectId.ToString("N"));

    private async Task<byte[]?> GetDataKeyAsync(Guid subjectId, CancellationToken cancellationToken)
    {
        var subject = await store.GetSubjectAsync(subjectId, cancellationToken);
        return subject is null ? null : Unwrap(subject);
    }

    /// <summary>
    /// Seals records under the subject's data key (a new key when the subject has none) and stores them, with the new key,
    /// in one transaction. A concurrent first write for the same subject wins the key; this one then seals under it.
    /// </summary>
    private async Task<T> WriteUnderDataKeyAsync<T>(
        Guid subjectId,
        Func<byte[], (IReadOnlyList<TemplateRecord> Templates, IReadOnlyList<EvidenceRecord> Evidence, T Result)> seal,
        Func<DbTransaction, CancellationToken, Task>? alongside,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await store.GetSubjectAsync(subjectId, cancellationToken);
            SubjectKeyRecord? created = null;
            byte[] dataKey;
            if (existing is not null)
            {
                dataKey = Unwrap(existing);
            }
            else
            {
                var keyId = Guid.NewGuid();
                dataKey = SubjectDataCipher.NewDataKey();
                created = new SubjectKeyRecord(subjectId, keyId, keys.Wrap(dataKey, KeyBindings.SubjectKey(subjectId, keyId)), DateTimeOffset.UtcNow);
            }

            try
            {
                var (templates, evidence, result) = seal(dataKey);
                try
                {
                    await store.InsertSubjectDataAsync(created, templates, evidence, alongside, cancellationToken);
                }
                catch (DbException) when (created is not null && attempt == 1)
                {
                    // Another write created the subject first; seal again under its key.
                    continue;
                }

                return result;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }
    }
}
