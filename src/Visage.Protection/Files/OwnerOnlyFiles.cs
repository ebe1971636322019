namespace Visage.Protection;

/// <summary>
/// Files and folders that can hold protected data (databases and their WAL, backups, keys, locks, reports, logs)
/// are the owner's alone: files 0600, folders 0700, set explicitly so the umask never decides. No-ops on Windows,
/// where the profile's ACLs apply.
/// </summary>
public static class OwnerOnlyFiles
{
    public const UnixFileMode FilePermissions = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode FolderPermissions = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates the folder 0700, with any missing parent also 0700 (the umask would decide theirs), or tightens one
    /// made earlier under the default umask. Existing parents are left as they are.
    /// </summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var missing = new Stack<string>();
        for (var current = Path.GetFullPath(path); !Directory.Exists(current); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
            if (Path.GetDirectoryName(current) is null)
            {
                break;
            }
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, FolderPermissions);
            File.SetUnixFileMode(folder, FolderPermissions);
        }

        Directory.CreateDirectory(path, FolderPermissions);
        if ((File.GetUnixFileMode(path) & ~FolderPermissions) != 0)
        {
            File.SetUnixFileMode(path, FolderPermissions);
        }
    }

    /// <summary>Creates (or truncates) an empty 0600 file.</summary>
    public static void CreateEmpty(string path)
    {
        using (OpenForWriting(path, FileMode.Create))
        {
        }
    }

    /// <summary>Creates the file 0600 when it is missing, keeping its content when it exists; either way it ends 0600.</summary>
    public static void EnsureFile(string path)
    {
        // An existing file is opened for reading only (a read-only one stays usable for reading) and narrowed.
        if (File.Exists(path))
        {
            using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
            }

            Restrict(path);
            return;
        }

        using (OpenForWriting(path, FileMode.OpenOrCreate))
        {
        }
    }

    /// <summary>Opens a file for writing that is created 0600; the mode is reset too when it already existed.</summary>
    public static FileStream OpenForWriting(string path, FileMode mode, FileShare share = FileShare.Read, FileAccess access = FileAccess.Write)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FilePermissions;
        }

        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(stream.SafeFileHandle, FilePermissions);
        }

        return stream;
    }

    /// <summary>Narrows a file another writer created (SQLite, GDCM and OpenCV create files under the umask) to at most 0600, if it exists.</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) is var mode && (mode & ~FilePermissions) != 0)
        {
            // Bits are only taken away: a file made read-only (0400) stays read-only.
            File.SetUnixFileMode(path, mode & FilePermissions);
        }
    }
}
