using Visage.Deid.Batch;

namespace Visage.Deid.Tests.Batch;

public sealed class DeidFoldersTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void Resolve_SiblingFolders_SecureZoneBesideOutput()
    {
        var folders = DeidFolders.Resolve(scratch.Input + "/", scratch.Output);

        Assert.Equal(scratch.Input, folders.Input);
        Assert.Equal(scratch.Output + ".deid", folders.SecureZone);
        Assert.Equal(Path.Combine(scratch.Output + ".deid", "batch.key"), folders.DefaultKeyFile);
    }

    [Fact]
    public void Resolve_OutputInsideInput_IsRefused() =>
        Assert.Throws<DeidFolderException>(() => DeidFolders.Resolve(scratch.Input, Path.Combine(scratch.Input, "out")));

    [Fact]
    public void Resolve_OutputIsInput_IsRefused() =>
        Assert.Throws<DeidFolderException>(() => DeidFolders.Resolve(scratch.Input, scratch.Input));

    [Fact]
    public void Resolve_InputInsideOutputOrItsSecureZone_IsRefused()
    {
        var output = Path.Combine(scratch.Root, "release");
        var inside = Directory.CreateDirectory(Path.Combine(output, "in")).FullName;
        var inZone = Directory.CreateDirectory(Path.Combine(output + ".deid", "in")).FullName;

        Assert.Throws<DeidFolderException>(() => DeidFolders.Resolve(inside, output));
        Assert.Throws<DeidFolderException>(() => DeidFolders.Resolve(inZone, output));
    }

    [Fact]
    public void Resolve_SimilarPrefixIsNotInside()
    {
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Input + "-deid");

        Assert.Equal(scratch.Input + "-deid", folders.Output);
    }

    [Fact]
    public void Resolve_MissingInput_IsNotFound() =>
        Assert.Throws<DirectoryNotFoundException>(() => DeidFolders.Resolve(Path.Combine(scratch.Root, "missing"), scratch.Output));

    [Fact]
    public void CheckKeyFile_KeyInsideOutput_IsRefused()
    {
        var folders = DeidFolders.Resolve(scratch.Input, scratch.Output);

        Assert.Throws<DeidFolderException>(() => folders.CheckKeyFile(Path.Combine(scratch.Output, "batch.key")));
        folders.CheckKeyFile(folders.DefaultKeyFile);
    }
}
