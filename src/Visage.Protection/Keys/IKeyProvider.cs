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

    WrappedKey Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData);

    /// <summary>Throws <see cref="ProtectedDataException"/> for an unknown version or a failed unwrap, naming <paramref name="recordId"/>.</summary>
    byte[] Unwrap(WrappedKey wrapped, ReadOnlySpan<byte> associatedData, string recordId);

    /// <summary>Creates a new key version and makes it current; returns its number.</summary>
    int Rotate();

    /// <summary>Destroys an old key version. The caller must first prove nothing is wrapped under it; the current version is refused.</summary>
    void Retire(int version);

    /// <summary>ECDSA P-256 over SHA-256 of <paramref name="data"/>; the signature is r||s (IEEE P1363, 64 bytes).</summary>
    byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>The signing key's public half as DER SubjectPublicKeyInfo, for anyone who verifies a signature.</summary>
    byte[] ExportSigningPublicKey();
}
