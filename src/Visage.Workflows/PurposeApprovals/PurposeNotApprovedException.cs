namespace Visage.Workflows.PurposeApprovals;

/// <summary>A recognition was asked for a purpose no approval is in force for (never approved, or revoked). Reason code <see cref="Code"/>.</summary>
public sealed class PurposeNotApprovedException : Exception
{
    public const string Code = "purpose-not-approved";

    public PurposeNotApprovedException()
    {
    }

    public PurposeNotApprovedException(string message)
        : base(message)
    {
    }

    public PurposeNotApprovedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
