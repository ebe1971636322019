namespace Visage.Storage;

/// <summary>Another process holds a role only one process per database may hold (e.g. the audit writer).</summary>
public sealed class ExclusiveRoleTakenException : StorageException
{
    public ExclusiveRoleTakenException(string message)
        : base(message)
    {
    }

    public ExclusiveRoleTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
