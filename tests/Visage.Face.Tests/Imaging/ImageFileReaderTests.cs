using System.Diagnostics;

namespace Visage.Face.Tests.Imaging;

/// <summary>Real files, a real device and a real FIFO: the reader never holds more than the limit and names no path.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ImageFileReaderTests : IDisposable
{
    private const long Limit = 1024 * 1024;

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-reader-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task RegularFile_WithinTheLimit_IsReadWhole()
    {
        var path = Path.Combine(root.FullName, "small.bin");
        var bytes = new byte[200_000];
        new Random(3).NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);

        Assert.Equal(bytes, await ImageFileReader.ReadAsync(path, Limit));
    }

    [Fact]
    public async Task FileOfExactlyTheLimit_IsRead_OneByteMore_IsRefused()
    {
        var exact = Path.Combine(root.FullName, "exact.bin");
        await File.WriteAllBytesAsync(exact, new byte[Limit]);
        var over = Path.Combine(root.FullName, "over.bin");
        await File.WriteAllBytesAsync(over, new byte[Limit + 1]);

        Assert.Equal(Limit, (await ImageFileReader.ReadAsync(exact, Limit)).LongLength);
        var refused = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFileReader.ReadAsync(over, Limit));
        Assert.Equal(ImageDecodeFailure.EncodedSizeExceeded, refused.Reason);
    }

    [Fact]
    public async Task Directory_IsNotAFile()
    {
        var refused = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFileReader.ReadAsync(root.FullName, Limit));

        Assert.Equal(ImageDecodeFailure.NotAFile, refused.Reason);
        Assert.DoesNotContain(root.Name, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFile_IsFileNotFound_WithoutItsName()
    {
        var refused = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFileReader.ReadAsync(Path.Combine(root.FullName, "John-Smith-1970.jpg"), Limit));

        Assert.Equal(ImageDecodeFailure.FileNotFound, refused.Reason);
        Assert.DoesNotContain("Smith", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SparseFileOfThreeGigabytes_IsRefusedFromItsLength()
    {
        var path = Path.Combine(root.FullName, "huge.bin");
        await using (var stream = File.Create(path))
        {
            stream.SetLength(3L * 1024 * 1024 * 1024);
        }

        var before = Process.GetCurrentProcess().PeakWorkingSet64;
        var refused = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFileReader.ReadAsync(path, Limit));

        Assert.Equal(ImageDecodeFailure.EncodedSizeExceeded, refused.Reason);
        Assert.True(Process.GetCurrentProcess().PeakWorkingSet64 - before < 512L * 1024 * 1024, "the file must not be read into memory");
    }

    [Fact]
    public async Task EndlessDevice_IsReadOnlyUpToTheLimit()
    {
        var refused = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFileReader.ReadAsync("/dev/zero", Limit));

        Assert.Equal(ImageDecodeFailure.EncodedSizeExceeded, refused.Reason);
    }

    [Fact]
    public async Task Fifo_FedPastTheLimit_IsRefused_AndAFifoWithinItIsRead()
    {
        var fifo = Path.Combine(root.FullName, "pipe");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var writer = Task.Run(() => Feed(fifo, 4 * Limit));
        var refused = await Assert.ThrowsAsync<ImageDecodeException>(() => ImageFileReader.ReadAsync(fifo, Limit));
        Assert.Equal(ImageDecodeFailure.EncodedSizeExceeded, refused.Reason);
        await writer;

        writer = Task.Run(() => Feed(fifo, 300_000));
        Assert.Equal(300_000, (await ImageFileReader.ReadAsync(fifo, Limit)).Length);
        await writer;
    }

    private static void Feed(string fifo, long bytes)
    {
        try
        {
            using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            var chunk = new byte[65536];
            for (long sent = 0; sent < bytes; sent += chunk.Length)
            {
                stream.Write(chunk, 0, (int)Math.Min(chunk.Length, bytes - sent));
            }
        }
        catch (IOException)
        {
            // The reader closed its end once it had seen enough (EPIPE): what the refusal is for.
        }
    }
}
