namespace Visage.Deid.Batch;

/// <summary>
/// The files of an input folder in a stable order (ordinal by relative path). Hidden files and folders are
/// skipped, folder links are not followed (no cycles, no second copies) and a file link is taken only when its
/// target stays inside the input folder.
/// </summary>
internal sealed record InputFolderScan(IReadOnlyList<InputFile> Files, int Ignored)
{
    public static InputFolderScan Of(string inputFolder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(inputFolder));
        var files = new List<InputFile>();
        var ignored = 0;
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(root));
        while (pending.Count > 0)
        {
            foreach (var entry in pending.Pop().EnumerateFileSystemInfos())
            {
                if (entry.Name.StartsWith('.'))
                {
                    ignored++;
                }
                else if (entry is DirectoryInfo directory)
                {
                    if (directory.LinkTarget is null)
                    {
                        pending.Push(directory);
                    }
                    else
                    {
                        ignored++;
                    }
                }
                else if (entry is FileInfo file && StaysInside(file, root))
                {
                    var relative = Path.GetRelativePath(root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
                    files.Add(new InputFile(file.FullName, relative, Length(file)));
                }
                else
                {
                    ignored++;
                }
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return new InputFolderScan(files, ignored);
    }

    private static bool StaysInside(FileInfo file, string root)
    {
        if (file.LinkTarget is null)
        {
            return true;
        }

        if (file.ResolveLinkTarget(returnFinalTarget: true) is not FileInfo { Exists: true } target)
        {
            return false;
        }

        var full = Path.GetFullPath(target.FullName);
        return DeidFolders.IsSameOrInside(full, root)
            && !Path.GetRelativePath(root, full).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'));
    }

    private static long Length(FileInfo file) =>
        file.LinkTarget is null ? file.Length : new FileInfo(file.ResolveLinkTarget(returnFinalTarget: true)!.FullName).Length;
}
