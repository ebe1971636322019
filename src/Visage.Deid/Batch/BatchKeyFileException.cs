namespace Visage.Deid.Batch;

/// <summary>The batch key file is unusable (unsafe permissions, wrong size); the message says how to fix it.</summary>
public sealed class BatchKeyFileException : Exception
{
    public BatchKeyFileException()
    {
    }

    public BatchKeyFileException(string message)
        : base(message)
    {
    }

    public BatchKeyFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
