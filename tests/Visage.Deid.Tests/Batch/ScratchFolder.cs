namespace Visage.Deid.Tests.Batch;

/// <summary>A real temp folder per test, removed afterwards.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder()
    {
        Root = Directory.CreateTempSubdirectory("visage-deid-batch-").FullName;
        Input = Directory.CreateDirectory(Path.Combine(Root, "in")).FullName;
        Output = Path.Combine(Root, "out");
    }

    public string Root { get; }

    public string Input { get; }

    public string Output { get; }

    public string Write(string relativePath, string contents)
    {
        var path = Path.Combine(Input, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, contents);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
