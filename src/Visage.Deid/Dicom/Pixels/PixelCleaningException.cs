namespace Visage.Deid.Dicom.Pixels;

/// <summary>
/// Regions to black out were found but could not be written back, so the object must not be released. The message
/// names the transfer syntax and photometric interpretation only, never a value.
/// </summary>
internal sealed class PixelCleaningException : Exception
{
    public PixelCleaningException(string message) : base(message)
    {
    }

    public PixelCleaningException(string message, Exception inner) : base(message, inner)
    {
    }

    public PixelCleaningException()
    {
    }
}
