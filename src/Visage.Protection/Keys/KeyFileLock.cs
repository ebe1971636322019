using System.Diagnostics;

namespace Visage.Protection;

/// <summary>
/// An exclusive lock on a key file, held while it is re-read and replaced: a file beside it (<c>visage.keys.lock</c>)
/// opened with FileShare.None, which .NET takes as an advisory flock on Unix, dropped by the kernel when the process
/// dies. The key file may be shared by several stores, so the store's own lock is not enough.
/// </summary>
internal static class KeyFileLock
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    public static FileStream Acquire(string keyPath, TimeSpan wait)
    {
        var lockPath = keyPath + ".lock";
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(lockPath, options);
            }
            catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException))
            {
                // Writes under this lock take milliseconds; a lock held for the whole wait means a stuck process.
                if (Stopwatch.GetElapsedTime(started) >= wait)
                {
                    throw new KeyProviderException(
                        $"Another process has held the lock on key file {keyPath} ({lockPath}) for more than {wait.TotalSeconds:0} s; " +
                        "nothing was changed. Check for a stuck Visage process, then run this again.", ex);
                }

                Thread.Sleep(Poll);
            }
        }
    }
}
