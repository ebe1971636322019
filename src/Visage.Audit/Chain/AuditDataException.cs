namespace Visage.Audit;

/// <summary>
/// A stored audit row is not what the chain wrote (a column of the wrong type, NULL, a hash of the wrong length), so it
/// cannot be read as a record. <c>visage audit verify</c> reports such rows as breaks; anything else that meets one
/// (opening the writer on a damaged tail, a query) throws this with the sequence and the column, never the value.
/// </summary>
public sealed class AuditDataException : Exception
{
    public AuditDataException(string message)
        : base(message)
    {
    }

    public AuditDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AuditDataException()
    {
    }
}
