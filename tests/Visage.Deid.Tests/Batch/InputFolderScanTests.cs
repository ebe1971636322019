using Visage.Deid.Batch;

namespace Visage.Deid.Tests.Batch;

public sealed class InputFolderScanTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void Of_NestedFolders_OrdinalRelativePathsWithSizes()
    {
        scratch.Write("b/2.dcm", "22");
        scratch.Write("a.dcm", "1");
        scratch.Write("B/1.dcm", "333");
        scratch.Write("b/10.dcm", "4444");

        var scan = InputFolderScan.Of(scratch.Input);

        Assert.Equal(["B/1.dcm", "a.dcm", "b/10.dcm", "b/2.dcm"], scan.Files.Select(f => f.RelativePath));
        Assert.Equal([3L, 1L, 4L, 2L], scan.Files.Select(f => f.Bytes));
        Assert.Equal(0, scan.Ignored);
    }

    [Fact]
    public void Of_HiddenEntriesAndLinks_SkipsHiddenAndEscapingLinks()
    {
        scratch.Write("keep.dcm", "x");
        scratch.Write(".DS_Store", "x");
        scratch.Write(".git/config.dcm", "x");
        scratch.Write("sub/.hidden.dcm", "x");
        var outside = Path.Combine(scratch.Root, "outside.dcm");
        File.WriteAllText(outside, "secret");
        File.CreateSymbolicLink(Path.Combine(scratch.Input, "escape.dcm"), outside);
        File.CreateSymbolicLink(Path.Combine(scratch.Input, "alias.dcm"), Path.Combine(scratch.Input, "keep.dcm"));
        File.CreateSymbolicLink(Path.Combine(scratch.Input, "to-hidden.dcm"), Path.Combine(scratch.Input, ".git", "config.dcm"));
        File.CreateSymbolicLink(Path.Combine(scratch.Input, "dangling.dcm"), Path.Combine(scratch.Input, "gone.dcm"));
        Directory.CreateSymbolicLink(Path.Combine(scratch.Input, "loop"), scratch.Input);
        Directory.CreateSymbolicLink(Path.Combine(scratch.Input, "elsewhere"), scratch.Root);

        var scan = InputFolderScan.Of(scratch.Input);

        Assert.Equal(["alias.dcm", "keep.dcm"], scan.Files.Select(f => f.RelativePath));
        Assert.Equal(8, scan.Ignored);
    }
}
