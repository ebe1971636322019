using Visage.Face;

namespace Visage.Benchmarks.Deid;

/// <summary>What both peer comparisons share: the data folder, verb options, and staging copies every tool may change.</summary>
internal static class PeerInputs
{
    /// <summary>The shared data's <paramref name="folder"/> (or <paramref name="data"/> itself when it already is that folder).</summary>
    public static string DataFolder(string? data, string folder, string inventoryFile)
    {
        var root = data ?? SharedDataLocator.Find();
        return File.Exists(Path.Combine(root, folder, inventoryFile)) ? Path.Combine(root, folder) : root;
    }

    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Copies the inputs under <paramref name="staged"/>, keeping their relative paths; tools work on the copies.</summary>
    public static void Stage(string sourceRoot, IEnumerable<string> relativePaths, string staged)
    {
        foreach (var relative in relativePaths)
        {
            var target = Path.Combine(staged, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(sourceRoot, relative), target);
        }
    }
}
