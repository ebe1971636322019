namespace Visage.Protection.Tests.Files;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OwnerOnlyFilesTests : IDisposable
{
    private const UnixFileMode Wide = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-owner-only-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public void CreateDirectory_MakesEveryMissingLevel0700_AndLeavesAnExistingParentAlone()
    {
        File.SetUnixFileMode(root.FullName, Wide);
        var deepest = Path.Combine(root.FullName, "a", "b", "c");

        OwnerOnlyFiles.CreateDirectory(deepest);

        Assert.Equal(Wide, File.GetUnixFileMode(root.FullName));
        foreach (var level in new[] { "a", Path.Combine("a", "b"), Path.Combine("a", "b", "c") })
        {
            Assert.Equal(OwnerOnlyFiles.FolderPermissions, File.GetUnixFileMode(Path.Combine(root.FullName, level)));
        }
    }

    [Fact]
    public void CreateDirectory_TightensTheTargetFolderIfItExistsWide()
    {
        var folder = Directory.CreateDirectory(Path.Combine(root.FullName, "data")).FullName;
        File.SetUnixFileMode(folder, Wide);

        OwnerOnlyFiles.CreateDirectory(folder);

        Assert.Equal(OwnerOnlyFiles.FolderPermissions, File.GetUnixFileMode(folder));
    }

    [Fact]
    public void EnsureFile_KeepsTheContentOfAnExistingFile_AndNarrowsItsMode()
    {
        var path = Path.Combine(root.FullName, "visage.db");
        File.WriteAllBytes(path, [1, 2, 3]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        OwnerOnlyFiles.EnsureFile(path);
        OwnerOnlyFiles.EnsureFile(Path.Combine(root.FullName, "new.db"));

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(OwnerOnlyFiles.FilePermissions, File.GetUnixFileMode(path));
        Assert.Equal(OwnerOnlyFiles.FilePermissions, File.GetUnixFileMode(Path.Combine(root.FullName, "new.db")));
    }
}
