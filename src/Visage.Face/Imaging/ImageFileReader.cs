namespace Visage.Face;

/// <summary>
/// Reads an image file for the engine without ever holding more than the decoder's limit: a regular file is refused
/// from its length before any byte is read, and anything else (a pipe, a device such as /dev/zero) is read in chunks
/// and refused as soon as it passes the limit. Errors carry a reason and never the path, which may be a patient's name.
/// </summary>
public static class ImageFileReader
{
    private const int ChunkBytes = 81_920;

    public static async Task<byte[]> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        if (Directory.Exists(path))
        {
            throw new ImageDecodeException(ImageDecodeFailure.NotAFile, "The image path names a directory; give an image file.");
        }

        await using var stream = Open(path);
        var declared = stream.CanSeek ? stream.Length : 0;
        if (declared > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        // A regular file's length is a good first guess; devices and pipes report 0 and grow the buffer as they are read.
        var buffer = new byte[Math.Min(maxBytes, Math.Max(declared, ChunkBytes)) + 1];
        var total = 0L;
        while (true)
        {
            if (total == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1, buffer.LongLength * 2));
            }

            int read;
            try
            {
                read = await stream.ReadAsync(buffer.AsMemory((int)total, (int)Math.Min(ChunkBytes, buffer.Length - total)), cancellationToken);
            }
            catch (IOException)
            {
                throw new ImageDecodeException(ImageDecodeFailure.Unreadable, "The image file could not be read (an I/O error); check the disk or the device.");
            }

            if (read == 0)
            {
                break;
            }

            total += read;
            if (total > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
        }

        return total == buffer.Length ? buffer : buffer[..(int)total];
    }

    private static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImageDecodeException(ImageDecodeFailure.FileNotFound, "No image file exists at the path given.");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ImageDecodeException(ImageDecodeFailure.Unreadable, "The image file cannot be read: permission denied.");
        }
        catch (IOException ex)
        {
            throw new ImageDecodeException(ImageDecodeFailure.Unreadable, $"The image file cannot be opened ({ex.GetType().Name}).");
        }
    }

    private static ImageDecodeException TooLarge(long maxBytes) =>
        new(ImageDecodeFailure.EncodedSizeExceeded, $"The image is larger than the limit of {maxBytes} bytes (Face:MaxEncodedBytes); nothing past the limit was read.");
}
