namespace Visage.Server.Hosting;

/// <summary>Where and how the server listens (section <c>Server</c>). HTTPS only, TLS 1.2 and 1.3.</summary>
public sealed class ServerOptions
{
    /// <summary>The address to listen on: loopback by default; <c>0.0.0.0</c> or a NIC's address to serve the network.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The HTTPS port (0: any free port, for tests).</summary>
    public int HttpsPort { get; set; } = 8443;

    /// <summary>
    /// A PKCS#12 file with the certificate and key to serve (a real one from the hospital's CA); unset: a self-signed
    /// certificate is made on first run into the data directory (<c>server.pfx</c>, 0600) and reused.
    /// </summary>
    public string? CertificateFile { get; set; }

    /// <summary>The password of <see cref="CertificateFile"/>, if it has one (an environment variable, never the repository).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Plain HTTP on this port as well, allowed only when <see cref="Address"/> is a loopback address (a reverse proxy on the same host); 0: off.</summary>
    public int LoopbackHttpPort { get; set; }

    /// <summary>Requests a minute one client may make (per API key, else per address) before 429; sign-in and set-up allow far fewer.</summary>
    public int RequestsPerMinute { get; set; } = 1200;

    /// <summary>Sign-in and set-up attempts a minute from one address.</summary>
    public int SignInsPerMinute { get; set; } = 10;
}
