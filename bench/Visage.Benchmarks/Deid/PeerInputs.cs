using System.Diagnostics;
using Visage.Deid.Batch;
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

    /// <summary>
    /// Runs a de-identifier over the staged copies through <see cref="DeidBatch"/>, as <c>visage deid</c> does; returns
    /// the wall time and each input's output path.
    /// </summary>
    public static async Task<(TimeSpan Elapsed, Dictionary<string, string> Outputs)> RunBatchAsync(
        string name, string staged, string output, Func<BatchKey, IFileDeidentifier> create, int workers)
    {
        Console.WriteLine($"{name} ...");
        using var key = BatchKey.Create();
        var folders = DeidFolders.Resolve(staged, output);
        var deidentifier = create(key);
        var clock = Stopwatch.StartNew();
        var report = await new DeidBatch(folders, deidentifier, key, workers).RunAsync(null, CancellationToken.None);
        clock.Stop();
        (deidentifier as IDisposable)?.Dispose();
        var outputs = report.Files
            .Where(f => f.Output is not null)
            .ToDictionary(f => f.Input, f => Path.Combine(folders.Output, f.Output!), StringComparer.Ordinal);
        return (clock.Elapsed, outputs);
    }
}
