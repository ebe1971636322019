namespace Visage.Face;

/// <summary>Why an image could not be decoded. Stable codes for API problem details and reports.</summary>
public enum ImageDecodeFailure
{
    Empty,
    EncodedSizeExceeded,
    PixelCountExceeded,
    UnsupportedFormat,
    Truncated,
    Corrupt,

    /// <summary>The path names a directory, or something else that is not a readable image file.</summary>
    NotAFile,

    /// <summary>Nothing exists at the path.</summary>
    FileNotFound,

    /// <summary>The file exists but cannot be read (permissions, I/O error).</summary>
    Unreadable,
}

/// <summary>An image was refused before or during decoding. Carries no image bytes or file names.</summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(ImageDecodeFailure reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public ImageDecodeException()
    {
    }

    public ImageDecodeException(string message)
        : base(message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ImageDecodeFailure Reason { get; } = ImageDecodeFailure.Corrupt;
}
