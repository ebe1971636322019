using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Visage.Protection;

/// <summary>
/// The default key provider: AES-256 key-encryption keys in a JSON key file (mode 0600) in the data
/// directory, created on first use. A file that group or others can read is refused, because a key that
/// others can read protects nothing. Suitable for a single clinic; hospitals use an HSM provider.
/// </summary>
public sealed class FileKeyProvider : IKeyProvider
{
    private const string WrapPurpose = "visage/data-key-wrap";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly string path;
    private readonly Lock gate = new();

    // Decoded once per version: loading a large gallery unwraps one data key per subject.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte[]> decoded = new();
    private KeyFile file;

    private FileKeyProvider(string path, KeyFile file)
    {
        this.path = path;
        this.file = file;
    }

    public string Name => "file";

    public int CurrentVersion
    {
        get
        {
            lock (gate)
            {
                return file.Current;
            }
        }
    }

    /// <summary>Opens the key file, creating it with one key when it does not exist.</summary>
    public static FileKeyProvider OpenOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var created = new KeyFile(1, 1, [NewKey(1)], NewSigningKey());
            Write(path, created);
            return new FileKeyProvider(path, created);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            throw new KeyProviderException(
                $"Key file {path} can be read by users other than its owner; refusing to use it. " +
                $"Run 'chmod 600 {path}' and check who else may have copied it.");
        }

        KeyFile? loaded;
        try
        {
            loaded = JsonSerializer.Deserialize<KeyFile>(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new KeyProviderException($"Key file {path} cannot be read ({ex.GetType().Name}). Restore it from backup; without it no protected data can be decrypted.", ex);
        }

        if (loaded is null || loaded.Format != 1 || loaded.Keys is not { Count: > 0 } || loaded.Keys.All(k => k.Version != loaded.Current))
        {
            throw new KeyProviderException($"Key file {path} is not a valid Visage key file (format 1 with a current key). Restore it from backup.");
        }

        if (loaded.SigningKey is null)
        {
            // Key files written before signing existed gain a signing key on first open.
            loaded = loaded with { SigningKey = NewSigningKey() };
            Write(path, loaded);
        }

        return new FileKeyProvider(path, loaded);
    }

    public IReadOnlyList<int> Versions
    {
        get
        {
            lock (gate)
            {
                return [.. file.Keys.Select(k => k.Version).Order()];
            }
        }
    }

    public WrappedKey Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData)
    {
        StoredKey key;
        lock (gate)
        {
            key = file.Keys.First(k => k.Version == file.Current);
        }

        var blob = new byte[NonceSize + dataKey.Length + TagSize];
        RandomNumberGenerator.Fill(blob.AsSpan(0, NonceSize));
        using var gcm = new AesGcm(KeyBytes(key), TagSize);
        gcm.Encrypt(blob.AsSpan(0, NonceSize), dataKey, blob.AsSpan(NonceSize, dataKey.Length), blob.AsSpan(blob.Length - TagSize), WrapAad(key.Version, associatedData));
        return new WrappedKey(key.Version, blob);
    }

    public byte[] Unwrap(WrappedKey wrapped, ReadOnlySpan<byte> associatedData, string recordId)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        StoredKey? key;
        lock (gate)
        {
            key = file.Keys.FirstOrDefault(k => k.Version == wrapped.KeyVersion);
        }

        if (key is null)
        {
            throw new ProtectedDataException(recordId, ProtectedDataFailure.UnknownKeyVersion);
        }

        if (wrapped.Blob.Length < NonceSize + TagSize)
        {
            throw new ProtectedDataException(recordId, ProtectedDataFailure.Truncated);
        }

        var dataKey = new byte[wrapped.Blob.Length - NonceSize - TagSize];
        try
        {
            using var gcm = new AesGcm(KeyBytes(key), TagSize);
            gcm.Decrypt(wrapped.Blob.AsSpan(0, NonceSize), wrapped.Blob.AsSpan(NonceSize, dataKey.Length), wrapped.Blob.AsSpan(wrapped.Blob.Length - TagSize), dataKey, WrapAad(key.Version, associatedData));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new ProtectedDataException(recordId, ProtectedDataFailure.AuthenticationFailed, ex);
        }

        return dataKey;
    }

    public int Rotate()
    {
        lock (gate)
        {
            var version = file.Keys.Max(k => k.Version) + 1;
            var next = file with { Current = version, Keys = [.. file.Keys, NewKey(version)] };
            Write(path, next);
            file = next;
            return version;
        }
    }

    public void Retire(int version)
    {
        lock (gate)
        {
            if (version == file.Current)
            {
                throw new KeyProviderException($"Key version {version} is current and cannot be retired; rotate first.");
            }

            if (file.Keys.All(k => k.Version != version))
            {
                throw new KeyProviderException($"Key version {version} does not exist in {path}.");
            }

            var next = file with { Keys = [.. file.Keys.Where(k => k.Version != version)] };
            Write(path, next);
            file = next;
            if (decoded.TryRemove(version, out var bytes))
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }
    }

    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        using var ecdsa = OpenSigningKey();
        return ecdsa.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public byte[] ExportSigningPublicKey()
    {
        using var ecdsa = OpenSigningKey();
        return ecdsa.ExportSubjectPublicKeyInfo();
    }

    private ECDsa OpenSigningKey()
    {
        string pkcs8;
        lock (gate)
        {
            pkcs8 = file.SigningKey!;
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
        return ecdsa;
    }

    private static string NewSigningKey()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Convert.ToBase64String(ecdsa.ExportPkcs8PrivateKey());
    }

    private byte[] KeyBytes(StoredKey key) => decoded.GetOrAdd(key.Version, _ => Convert.FromBase64String(key.Key));

    private static byte[] WrapAad(int version, ReadOnlySpan<byte> associatedData) =>
        [.. Encoding.ASCII.GetBytes($"{WrapPurpose}|{version}|"), .. associatedData];

    private static StoredKey NewKey(int version) =>
        new(version, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), DateTime.UtcNow);

    /// <summary>Writes a temporary owner-only file and renames it over the old one, so a crash leaves one whole file.</summary>
    private static void Write(string path, KeyFile content)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, content, Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    private sealed record KeyFile(int Format, int Current, IReadOnlyList<StoredKey> Keys, string? SigningKey);

    private sealed record StoredKey(int Version, string Key, DateTime CreatedUtc);
}
