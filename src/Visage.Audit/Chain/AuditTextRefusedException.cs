namespace Visage.Audit;

/// <summary>An entry's free text holds an identifier, so it was not appended. The message names the field and the kind, never the text.</summary>
public sealed class AuditTextRefusedException : ArgumentException
{
    public AuditTextRefusedException()
    {
    }

    public AuditTextRefusedException(string message)
        : base(message)
    {
    }

    public AuditTextRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static AuditTextRefusedException For(string field, string kind) => new(
        $"The audit entry's {field} holds what looks like an identifier ({kind}); audit text is kept in clear for years, so it must not name or describe the patient. Nothing was written.");
}
