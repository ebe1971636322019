using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Visage.Protection;

/// <summary>
/// The default key provider: AES-256 key-encryption keys and the signing key in a JSON key file (mode 0600) in the
/// data directory, created only for a store that holds nothing. A file that group or others can read is refused,
/// because a key that others can read protects nothing. Opening never writes the file. Changes (rotate, retire,
/// adding a signing key) take the key file's lock, re-read the file, refuse if it is no longer the key file this
/// process loaded, and replace it atomically (owner-only temp file, fsync, rename, fsync of the directory), then
/// read it back. Suitable for a single clinic; hospitals use an HSM provider.
/// </summary>
public sealed class FileKeyProvider : IKeyProvider
{
    private const string WrapPurpose = "visage/data-key-wrap";
    private const int FileFormat = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int KeySize = 32;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly TimeSpan DefaultLockWait = TimeSpan.FromSeconds(10);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly string path;
    private readonly TimeSpan lockWait;
    private readonly Lock gate = new();

    // Decoded once per version: loading a large gallery unwraps one data key per subject.
    private readonly ConcurrentDictionary<int, byte[]> decoded = new();
    private KeyFile file;
    private FileStamp stamp;

    private FileKeyProvider(string path, TimeSpan lockWait, KeyFile file, FileStamp stamp)
    {
        this.path = path;
        this.lockWait = lockWait;
        this.file = file;
        this.stamp = stamp;
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

    public bool HasSigningKey
    {
        get
        {
            lock (gate)
            {
                return file.SigningKey is not null;
            }
        }
    }

    /// <summary>Opens the key file, creating it with one key and a signing key when it does not exist (no store behind it).</summary>
    public static FileKeyProvider OpenOrCreate(string path) => Open(path, StoreContents.None);

    /// <summary>
    /// Opens the key file for a store holding <paramref name="contents"/>; never writes an existing file. A missing file
    /// is created only when the store holds nothing; a file without a signing key is refused when the store holds
    /// signed data. Both refusals are <see cref="KeyProviderException"/>s saying what to restore.
    /// </summary>
    public static FileKeyProvider Open(string path, StoreContents contents) => Open(path, contents, DefaultLockWait);

    internal static FileKeyProvider Open(string path, StoreContents contents, TimeSpan lockWait)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(contents);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            return contents.IsEmpty
                ? Create(path, lockWait)
                : throw new KeyProviderException(
                    $"The key file {path} does not exist, but the database at {contents.Description} holds {contents.Held} made with it. " +
                    "Restore the key file from backup (or set Storage:Keys:File to where it is); Visage will not create a new key, which would make the data unreadable.");
        }

        var (loaded, _, loadedStamp) = Read(path);
        if (loaded.SigningKey is null && contents.SignedRecords)
        {
            throw new KeyProviderException(
                $"The key file {path} holds no signing key, but the database at {contents.Description} holds deletion certificates or audit checkpoints signed with one. " +
                "Restore the key file from backup; Visage will not make a new signing key, which could not verify what the old one signed.");
        }

        return new FileKeyProvider(path, lockWait, loaded, loadedStamp);
    }

    public WrappedKey Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData)
    {
        StoredKey key;
        byte[] keyBytes;
        lock (gate)
        {
            // Another process may have rotated (and retired this process's current version): wrap under the file's current key.
            ReloadIfChanged();
            key = file.Keys.First(k => k.Version == file.Current);
            keyBytes = KeyBytes(key);
        }

        var blob = new byte[NonceSize + dataKey.Length + TagSize];
        RandomNumberGenerator.Fill(blob.AsSpan(0, NonceSize));
        using var gcm = new AesGcm(keyBytes, TagSize);
        gcm.Encrypt(blob.AsSpan(0, NonceSize), dataKey, blob.AsSpan(NonceSize, dataKey.Length), blob.AsSpan(blob.Length - TagSize), WrapAad(key.Version, associatedData));
        return new WrappedKey(key.Version, blob);
    }

    public byte[] Unwrap(WrappedKey wrapped, ReadOnlySpan<byte> associatedData, string recordId)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        StoredKey? key;
        byte[]? keyBytes = null;
        lock (gate)
        {
            key = file.Keys.FirstOrDefault(k => k.Version == wrapped.KeyVersion);
            if (key is null)
            {
                // A version another process added since this one read the file.
                ReloadIfChanged();
                key = file.Keys.FirstOrDefault(k => k.Version == wrapped.KeyVersion);
            }

            if (key is not null)
            {
                keyBytes = KeyBytes(key);
            }
        }

        if (key is null || keyBytes is null)
        {
            throw new ProtectedDataException(recordId, ProtectedDataFailure.UnknownKeyVersion);
        }

        if (wrapped.Blob is null || wrapped.Blob.Length < NonceSize + TagSize)
        {
            throw new ProtectedDataException(recordId, ProtectedDataFailure.Truncated);
        }

        var dataKey = new byte[wrapped.Blob.Length - NonceSize - TagSize];
        try
        {
            using var gcm = new AesGcm(keyBytes, TagSize);
            gcm.Decrypt(wrapped.Blob.AsSpan(0, NonceSize), wrapped.Blob.AsSpan(NonceSize, dataKey.Length), wrapped.Blob.AsSpan(wrapped.Blob.Length - TagSize), dataKey, WrapAad(key.Version, associatedData));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new ProtectedDataException(recordId, ProtectedDataFailure.AuthenticationFailed, ex);
        }

        return dataKey;
    }

    public void Refresh()
    {
        lock (gate)
        {
            var (loaded, _, loadedStamp) = Read(path);
            RefuseIfReplaced(loaded);
            Adopt(loaded, loadedStamp);
        }
    }

    public int Rotate()
    {
        var version = 0;
        Modify(onDisk =>
        {
            // Numbered from the file as it is now, so a version another process added is kept, never overwritten.
            version = onDisk.Keys.Max(k => k.Version) + 1;
            return onDisk with { Current = version, Keys = [.. onDisk.Keys, NewKey(version)] };
        });
        return version;
    }

    public void Retire(int version) =>
        Modify(onDisk =>
        {
            if (version == onDisk.Current)
            {
                throw new KeyProviderException($"Key version {version} is current and cannot be retired; rotate first.");
            }

            if (onDisk.Keys.All(k => k.Version != version))
            {
                throw new KeyProviderException($"Key version {version} does not exist in {path}.");
            }

            return onDisk with { Keys = [.. onDisk.Keys.Where(k => k.Version != version)] };
        });

    public bool AddSigningKeyIfMissing()
    {
        var added = false;
        Modify(onDisk =>
        {
            if (onDisk.SigningKey is not null)
            {
                return onDisk;
            }

            added = true;
            return onDisk with { SigningKey = NewSigningKey() };
        });
        return added;
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

    private static FileKeyProvider Create(string path, TimeSpan lockWait)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using (KeyFileLock.Acquire(path, lockWait))
        {
            if (File.Exists(path))
            {
                // Another process created it while this one waited for the lock: both use that one.
                var (existing, _, existingStamp) = Read(path);
                return new FileKeyProvider(path, lockWait, existing, existingStamp);
            }

            var created = new KeyFile(FileFormat, 1, [NewKey(1)], NewSigningKey());
            var written = Replace(path, expected: null, created);
            return new FileKeyProvider(path, lockWait, created, written);
        }
    }

    /// <summary>
    /// The one way the key file changes: under its lock, re-read it, check it is still the file this process loaded
    /// (merging versions other processes added or retired), apply <paramref name="change"/> to what is on disk and
    /// replace the file only if it still holds exactly what was read (compare-and-swap).
    /// </summary>
    private void Modify(Func<KeyFile, KeyFile> change)
    {
        lock (gate)
        {
            using var held = KeyFileLock.Acquire(path, lockWait);
            var (onDisk, bytes, readStamp) = Read(path);
            RefuseIfReplaced(onDisk);
            var next = change(onDisk);
            var nextStamp = ReferenceEquals(next, onDisk) ? readStamp : Replace(path, bytes, next);
            Adopt(next, nextStamp);
        }
    }

    /// <summary>
    /// A version this process holds that the file now holds with other key bytes (or another signing key) means the
    /// file was swapped for a different key file; writing or wrapping on would mix two sets of keys.
    /// </summary>
    private void RefuseIfReplaced(KeyFile onDisk)
    {
        var changed = file.Keys.FirstOrDefault(mine => onDisk.Keys.Any(theirs => theirs.Version == mine.Version && !string.Equals(theirs.Key, mine.Key, StringComparison.Ordinal)));
        var signingChanged = file.SigningKey is not null && onDisk.SigningKey is not null && !string.Equals(file.SigningKey, onDisk.SigningKey, StringComparison.Ordinal);
        if (changed is not null || signingChanged)
        {
            var what = changed is not null ? $"key version {changed.Version}" : "the signing key";
            throw new KeyProviderException(
                $"Key file {path} now holds a different {what} than this process loaded: it was replaced by another key file. " +
                "Nothing was written. Find out which key file belongs to this store (restore it from backup) before going on.");
        }
    }

    private void Adopt(KeyFile next, FileStamp nextStamp)
    {
        foreach (var version in decoded.Keys)
        {
            var kept = next.Keys.FirstOrDefault(k => k.Version == version);
            var held = file.Keys.FirstOrDefault(k => k.Version == version);
            if ((kept is null || held is null || !string.Equals(kept.Key, held.Key, StringComparison.Ordinal)) && decoded.TryRemove(version, out var bytes))
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }

        file = next;
        stamp = nextStamp;
    }

    /// <summary>Re-reads the file when its size or modification time differ from when this process last read it; one stat otherwise.</summary>
    private void ReloadIfChanged()
    {
        var info = new FileInfo(path);
        if (info.Exists && new FileStamp(info.Length, info.LastWriteTimeUtc) == stamp)
        {
            return;
        }

        var (loaded, _, loadedStamp) = Read(path);
        RefuseIfReplaced(loaded);
        Adopt(loaded, loadedStamp);
    }

    private ECDsa OpenSigningKey()
    {
        string? pkcs8;
        lock (gate)
        {
            pkcs8 = file.SigningKey;
        }

        if (pkcs8 is null)
        {
            throw new KeyProviderException(
                $"Key file {path} holds no signing key, so nothing can be signed. 'visage keys rotate' adds one while the store holds nothing signed; " +
                "otherwise restore the key file from backup.");
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
        return ecdsa;
    }

    /// <summary>Reads and validates the key file through one handle, so its bytes and its stamp belong to the same file.</summary>
    private static (KeyFile File, byte[] Bytes, FileStamp Stamp) Read(string path)
    {
        byte[] bytes;
        FileStamp readStamp;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(handle) & GroupOrOther) != 0)
            {
                throw new KeyProviderException(
                    $"Key file {path} can be read by users other than its owner; refusing to use it. " +
                    $"Run 'chmod 600 {path}' and check who else may have copied it.");
            }

            var length = RandomAccess.GetLength(handle);
            if (length > 1 << 20)
            {
                throw new KeyProviderException($"Key file {path} is {length} bytes, far larger than any Visage key file. Restore it from backup.");
            }

            bytes = new byte[length];
            var read = 0;
            while (read < bytes.Length)
            {
                var n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            bytes = bytes[..read];
            readStamp = new FileStamp(length, File.GetLastWriteTimeUtc(handle));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyProviderException($"Key file {path} cannot be read ({ex.GetType().Name}). Restore it from backup; without it no protected data can be decrypted.", ex);
        }

        return (Parse(path, bytes), bytes, readStamp);
    }

    private static KeyFile Parse(string path, byte[] bytes)
    {
        KeyFile? loaded;
        try
        {
            loaded = JsonSerializer.Deserialize<KeyFile>(bytes, Json);
        }
        catch (JsonException ex)
        {
            throw new KeyProviderException($"Key file {path} cannot be read ({ex.GetType().Name}). Restore it from backup; without it no protected data can be decrypted.", ex);
        }

        if (loaded is null || loaded.Format != FileFormat || loaded.Keys is not { Count: > 0 } || loaded.Keys.Any(k => k is null)
            || loaded.Keys.All(k => k.Version != loaded.Current))
        {
            throw new KeyProviderException($"Key file {path} is not a valid Visage key file (format 1 with a current key). Restore it from backup.");
        }

        var damaged = loaded.Keys.FirstOrDefault(k => k.Version < 1 || !IsKey(k.Key));
        if (damaged is not null || loaded.Keys.DistinctBy(k => k.Version).Count() != loaded.Keys.Count)
        {
            throw new KeyProviderException(
                $"Key file {path} holds a damaged or duplicated key version{(damaged is null ? string.Empty : $" ({damaged.Version})")}. Restore it from backup; do not edit key files by hand.");
        }

        if (loaded.SigningKey is not null && !IsSigningKey(loaded.SigningKey))
        {
            throw new KeyProviderException(
                $"The signing key in key file {path} is damaged (not an ECDSA P-256 private key). Restore the key file from backup; " +
                "Visage will not replace it, because a new signing key could not verify what the old one signed.");
        }

        return loaded;
    }

    private static bool IsKey(string? encoded)
    {
        var buffer = new byte[KeySize + 3];
        var ok = encoded is not null && Convert.TryFromBase64String(encoded, buffer, out var written) && written == KeySize;
        CryptographicOperations.ZeroMemory(buffer);
        return ok;
    }

    private static bool IsSigningKey(string encoded)
    {
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(encoded), out _);
            return ecdsa.ExportParameters(includePrivateParameters: false).Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// Replaces (or, with no <paramref name="expected"/> content, creates) the key file: an owner-only temp file
    /// written and flushed, then renamed over the file only if it still holds <paramref name="expected"/>, the
    /// directory flushed, and the result read back and compared byte for byte. Called under the key file's lock.
    /// </summary>
    private static FileStamp Replace(string path, byte[]? expected, KeyFile next)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(next, Json);
        var directory = Path.GetDirectoryName(path)!;
        var prefix = $".{Path.GetFileName(path)}.";

        // Only writers holding the lock make temp files, so any left here are from a writer that crashed.
        foreach (var stale in Directory.EnumerateFiles(directory, prefix + "*.tmp"))
        {
            File.Delete(stale);
        }

        var temp = Path.Combine(directory, $"{prefix}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            DurableFile.WriteNew(temp, content);
            if (expected is not null && !File.ReadAllBytes(path).AsSpan().SequenceEqual(expected))
            {
                throw new KeyProviderException(
                    $"Key file {path} was changed by a process that did not take its lock ({path}.lock) while this one was writing; nothing was written. Run this again.");
            }

            // Without overwrite, .NET refuses when the file exists, so a file created meanwhile is never replaced.
            File.Move(temp, path, overwrite: expected is not null);
            DurableFile.SyncDirectory(directory);
        }
        catch (IOException ex)
        {
            throw new KeyProviderException($"Key file {path} could not be written safely ({ex.GetType().Name}); check the disk and run this again.", ex);
        }
        finally
        {
            File.Delete(temp);
        }

        var (_, back, backStamp) = Read(path);
        return back.AsSpan().SequenceEqual(content)
            ? backStamp
            : throw new KeyProviderException($"Key file {path} does not read back as it was written. Check the disk and restore the file from backup before going on.");
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
        new(version, Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize)), DateTime.UtcNow);

    /// <summary>Size and modification time of the key file as last read: a cheap way to notice another process's replacement.</summary>
    private readonly record struct FileStamp(long Length, DateTime LastWriteUtc);

    private sealed record KeyFile(int Format, int Current, IReadOnlyList<StoredKey> Keys, string? SigningKey)
    {
        /// <summary>Fields this build does not know (written by a newer one) survive a rewrite.</summary>
        [JsonExtensionData]
        public Dictionary<string, JsonElement>? Other { get; init; }
    }

    private sealed record StoredKey(int Version, string Key, DateTime CreatedUtc);
}
