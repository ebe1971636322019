namespace Visage.Deid.Batch;

/// <summary>
/// Files and folders a batch writes that can hold protected data (reports, markers, partial and quarantined outputs,
/// the lock) are the owner's alone: files 0600, folders 0700, set explicitly so the umask does not decide.
/// </summary>
internal static class PrivateFiles
{
    public const UnixFileMode FilePermissions = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode FolderPermissions = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder 0700, or tightens one made earlier (e.g. by the key file) under the default umask.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, FolderPermissions);
        File.SetUnixFileMode(path, FolderPermissions);
    }

    /// <summary>Creates (or truncates) an empty 0600 file.</summary>
    public static void CreateEmpty(string path)
    {
        using (OpenForWriting(path, FileMode.Create))
        {
        }
    }

    /// <summary>Opens a file for writing that is created 0600; the mode is reset too when it already existed.</summary>
    public static FileStream OpenForWriting(string path, FileMode mode, FileShare share = FileShare.Read)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = share };
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

    /// <summary>Sets 0600 on a file another writer created (GDCM and OpenCV create files under the umask).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, FilePermissions);
        }
    }
}
