namespace Visage.Audit;

/// <summary>
/// The audit log could not take a record. An operation on protected data that meets it does not go on unrecorded: it
/// stops, and (when the record was the one written before it) has changed nothing.
/// </summary>
public sealed class AuditUnavailableException : Exception
{
    public AuditUnavailableException()
    {
    }

    public AuditUnavailableException(string message)
        : base(message)
    {
    }

    public AuditUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
