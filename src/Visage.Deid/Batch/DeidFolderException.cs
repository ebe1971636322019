namespace Visage.Deid.Batch;

/// <summary>The input, output or key locations would mix originals with de-identified output.</summary>
public sealed class DeidFolderException : Exception
{
    public DeidFolderException()
    {
    }

    public DeidFolderException(string message)
        : base(message)
    {
    }

    public DeidFolderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
