namespace Visage.Protection;

/// <summary>A data key wrapped by a key-encryption key of a given version.</summary>
public sealed record WrappedKey(int KeyVersion, byte[] Blob);

/// <summary>
/// Holds the key-encryption keys. Wrapping happens inside the provider, so a hardware provider never
/// lets its keys out; callers see only wrapped data keys and version numbers.
/// </summary>
public interface IKeyProvider
{
    string Name { get; }

    int CurrentVersion { get; }

    WrappedKey Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData);

    /// <summary>Throws <see cref="ProtectedDataException"/> for an unknown version or a failed unwrap, naming <paramref name="recordId"/>.</summary>
    byte[] Unwrap(WrappedKey wrapped, ReadOnlySpan<byte> associatedData, string recordId);

    /// <summary>Creates a new key version and makes it current; returns its number.</summary>
    int Rotate();
}
