namespace Visage.Face;

/// <summary>A model file is missing, unknown, or does not match the hash the manifest pins.</summary>
public sealed class ModelIntegrityException : Exception
{
    public ModelIntegrityException(string message)
        : base(message)
    {
    }

    public ModelIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelIntegrityException()
    {
    }
}
