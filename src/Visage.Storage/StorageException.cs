namespace Visage.Storage;

/// <summary>The store cannot do what was asked (schema newer than this build, a busy WAL, a missing row); the message says what to do.</summary>
public class StorageException : Exception
{
    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageException()
    {
    }
}
