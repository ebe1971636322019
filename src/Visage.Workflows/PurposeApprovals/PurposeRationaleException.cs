namespace Visage.Workflows.PurposeApprovals;

/// <summary>A rationale that is empty, too long or holds what looks like an identifier; the message never repeats it.</summary>
public sealed class PurposeRationaleException : Exception
{
    public PurposeRationaleException()
    {
    }

    public PurposeRationaleException(string message)
        : base(message)
    {
    }

    public PurposeRationaleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
