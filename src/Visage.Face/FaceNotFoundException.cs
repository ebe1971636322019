namespace Visage.Face;

/// <summary>No usable face was found in an image.</summary>
public sealed class FaceNotFoundException : Exception
{
    public FaceNotFoundException()
        : base("No face was found in the image.")
    {
    }

    public FaceNotFoundException(string message)
        : base(message)
    {
    }

    public FaceNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
