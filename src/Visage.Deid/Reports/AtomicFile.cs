using Visage.Protection;

namespace Visage.Deid.Reports;

/// <summary>
/// Writes a file readable by its owner only (reports map outputs back to input paths) through a hidden temp file
/// renamed into place, so a reader or a resumed batch sees the old file or the new one, never half of one.
/// </summary>
internal static class AtomicFile
{
    public const string PartialSuffix = ".partial";

    public static void WriteAllText(string path, string contents)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + PartialSuffix);
        using (var stream = OwnerOnlyFiles.OpenForWriting(temp, FileMode.Create))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
