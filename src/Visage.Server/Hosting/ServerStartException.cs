namespace Visage.Server.Hosting;

/// <summary>The server could not start for a reason a person fixes in the configuration: the port is taken, the certificate cannot be read.</summary>
public sealed class ServerStartException : Exception
{
    public ServerStartException()
    {
    }

    public ServerStartException(string message)
        : base(message)
    {
    }

    public ServerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
