namespace Visage.Deid.Photos;

/// <summary>A photo's container structure is broken or unsupported. Messages name the structure, never content.</summary>
public sealed class PhotoFormatException : Exception
{
    public PhotoFormatException()
    {
    }

    public PhotoFormatException(string message)
        : base(message)
    {
    }

    public PhotoFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
