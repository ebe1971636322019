using System.Runtime.InteropServices;

namespace Visage.Deid.Batch;

/// <summary>
/// Moves a finished file into place with one rename(2), so it appears complete or not at all. .NET's File.Move
/// silently falls back to copy-and-delete across file systems, which would show a half-copied file under its final
/// name; here that case is refused instead.
/// </summary>
internal static partial class AtomicMove
{
    private const int CrossDevice = 18; // EXDEV

    public static void Replace(string source, string destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (!OperatingSystem.IsLinux())
        {
            File.Move(source, destination, overwrite: true);
            return;
        }

        if (Rename(source, destination) == 0)
        {
            return;
        }

        var error = Marshal.GetLastPInvokeError();
        if (error == CrossDevice)
        {
            throw new DeidFolderException(
                "The release folder and its .deid folder are on different file systems, so a file could not be moved into the release folder in one step; put them on one file system.");
        }

        throw new IOException($"A finished file could not be moved into place (errno {error}).");
    }

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Rename(string oldPath, string newPath);
}
