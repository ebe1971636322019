namespace Visage.Workflows.Consent;

/// <summary>One version of the notice a person reads before consenting: its exact text and that text's SHA-256.</summary>
public sealed record ConsentNotice(int Version, byte[] Sha256, string Language, string Text, string CreatedBy, DateTimeOffset CreatedUtc)
{
    public string Sha256Hex => Convert.ToHexStringLower(Sha256);
}

/// <summary>A notice text that is empty, too large or in an unnamed language; the message never repeats the text.</summary>
public sealed class ConsentNoticeException : Exception
{
    public ConsentNoticeException()
    {
    }

    public ConsentNoticeException(string message)
        : base(message)
    {
    }

    public ConsentNoticeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
