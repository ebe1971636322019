namespace Visage.Protection;

/// <summary>A data key wrapped by a key-encryption key of a given version.</summary>
public sealed record WrappedKey(int KeyVersion, byte[] Blob);

/// <summary>
/// Holds the key-encryption keys and the signing key. Wrapping and signing happen inside the provider, so a
/// hardware provider never lets its keys out; callers see only wrapped data keys, version numbers,
/// signatures and the public half of the signing key.
/// </summary>
public interface IKeyProvider
{
    string Name { get; }

    int CurrentVersion { get; }

    /// <summary>Every key-encryption key version the provider still holds, ascending.</summary>
    IReadOnlyList<int> Versions { get; }

    /// <summary>
    /// False for a key file or token that has key-encryption keys but no signing key (written before signing existed,
    /// or with the key removed); <see cref="Sign"/> and <see cref="ExportSigningPublicKey"/> then refuse.
    /// </summary>
    bool HasSigningKey { get; }

    WrappedKey Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData);

    /// <summary>Throws <see cref="ProtectedDataException"/> for an unknown version or a failed unwrap, naming <paramref name="recordId"/>.</summary>
    byte[] Unwrap(WrappedKey wrapped, ReadOnlySpan<byte> associatedData, string recordId);

    /// <summary>
    /// Re-reads the keys from where they live (the key file, the token), so versions and a signing key that another
    /// process added or retired since this provider opened are seen. Rotating, retiring and adding a signing key
    /// re-read on their own; call this before deciding anything from <see cref="Versions"/>.
    /// </summary>
    void Refresh();

    /// <summary>
    /// Creates a new key version and makes it current; returns its number. Numbered after the newest version stored
    /// by any process, never over it, and read back before it is returned.
    /// </summary>
    int Rotate();

    /// <summary>Destroys an old key version. The caller must first prove nothing is wrapped under it; the current version is refused.</summary>
    void Retire(int version);

    /// <summary>
    /// Creates the signing key when the provider has none; false when one exists (then nothing changes). Only for a
    /// store that holds nothing signed: a new signing key cannot verify what the lost one signed.
    /// </summary>
    bool AddSigningKeyIfMissing();

    /// <summary>ECDSA P-256 over SHA-256 of <paramref name="data"/>; the signature is r||s (IEEE P1363, 64 bytes).</summary>
    byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>The signing key's public half as DER SubjectPublicKeyInfo, for anyone who verifies a signature.</summary>
    byte[] ExportSigningPublicKey();
}
