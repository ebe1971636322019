using Visage.Deid.Batch;

namespace Visage.Deid.Tests.Batch;

// Key and report files rely on POSIX permissions (the service runs on Linux).
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BatchKeyFileTests : IDisposable
{
    private readonly ScratchFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public void LoadOrCreate_NoFile_Creates32ByteOwnerOnlyFile()
    {
        var path = Path.Combine(scratch.Root, "keys", "batch.key");

        using var key = BatchKeyFile.LoadOrCreate(path);

        Assert.Equal(BatchKey.KeyBytes, new FileInfo(path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void LoadOrCreate_ExistingFile_ReusesTheSameKey()
    {
        var path = Path.Combine(scratch.Root, "batch.key");
        string first;
        using (var key = BatchKeyFile.LoadOrCreate(path))
        {
            first = key.Pseudonym("file", "a/b.dcm");
        }

        using var again = BatchKeyFile.LoadOrCreate(path);
        using var other = BatchKeyFile.LoadOrCreate(Path.Combine(scratch.Root, "other.key"));

        Assert.Equal(first, again.Pseudonym("file", "a/b.dcm"));
        Assert.NotEqual(first, other.Pseudonym("file", "a/b.dcm"));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite)]
    public void LoadOrCreate_GroupOrOtherAccess_IsRefusedWithFix(UnixFileMode mode)
    {
        var path = Path.Combine(scratch.Root, "batch.key");
        BatchKeyFile.LoadOrCreate(path).Dispose();
        File.SetUnixFileMode(path, mode);

        var error = Assert.Throws<BatchKeyFileException>(() => BatchKeyFile.LoadOrCreate(path));

        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrCreate_WrongSize_IsRefused()
    {
        var path = Path.Combine(scratch.Root, "batch.key");
        File.WriteAllBytes(path, new byte[16]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Throws<BatchKeyFileException>(() => BatchKeyFile.LoadOrCreate(path));
    }

    [Fact]
    public void LoadOrCreate_ManyConcurrentCallers_AllGetOneKey()
    {
        var path = Path.Combine(scratch.Root, "shared.key");

        var pseudonyms = Enumerable.Range(0, 8).AsParallel().Select(_ =>
        {
            using var key = BatchKeyFile.LoadOrCreate(path);
            return key.Pseudonym("file", "x");
        }).Distinct(StringComparer.Ordinal).ToList();

        Assert.Single(pseudonyms);
        Assert.Single(Directory.GetFiles(scratch.Root));
    }
}
