using System.Security.Cryptography;

namespace Visage.Deid.Batch;

/// <summary>
/// Keeps a <see cref="BatchKey"/> in a 32-byte file readable by its owner only, so a resumed or later batch that
/// uses the same file derives the same UIDs, date offsets and output names.
/// </summary>
internal static class BatchKeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Loads the key at <paramref name="path"/>, or creates it (mode 0600) when there is none.</summary>
    public static BatchKey LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            TryCreate(path);
        }

        return Load(path);
    }

    private static BatchKey Load(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            throw new BatchKeyFileException(
                $"The batch key file {path} is accessible by group or others; restrict it with 'chmod 600' (and check who may have read it) before using it.");
        }

        var bytes = File.ReadAllBytes(path);
        try
        {
            if (bytes.Length != BatchKey.KeyBytes)
            {
                throw new BatchKeyFileException($"The batch key file {path} is not a batch key ({BatchKey.KeyBytes} bytes expected).");
            }

            return new BatchKey(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    // Written to a private temp file and linked into place without overwriting, so two batches starting together
    // on one shared key file both end up with the same key, and nobody ever sees a partial key.
    private static void TryCreate(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var key = RandomNumberGenerator.GetBytes(BatchKey.KeyBytes);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(key);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another batch created it first; use theirs.
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            File.Delete(temp);
        }
    }
}
