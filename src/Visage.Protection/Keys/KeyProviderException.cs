namespace Visage.Protection;

/// <summary>The key material cannot be used (missing, unreadable, unsafe permissions); the message says what to do.</summary>
public sealed class KeyProviderException : Exception
{
    public KeyProviderException(string message)
        : base(message)
    {
    }

    public KeyProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KeyProviderException()
    {
    }
}
