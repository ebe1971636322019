using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Visage.Server.Hosting;

namespace Visage.Server.Tests.Hosting;

/// <summary>HTTPS only, TLS 1.2 and 1.3 only, a self-signed certificate made once and kept private: on real Kestrel.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TransportTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task Live_OverHttps_AnswersWithHstsAndTheSecurityHeaders()
    {
        await using var server = await ServerHarness.StartAsync(Data);
        using var client = server.Client();

        using var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https", server.Address.Scheme);
        Assert.Contains("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task FirstRun_MakesAPrivateSelfSignedCertificate_AndTheNextRunReusesIt()
    {
        string first;
        await using (var server = await ServerHarness.StartAsync(Data))
        {
            first = Thumbprint();
        }

        await using (var again = await ServerHarness.StartAsync(Data))
        {
            Assert.Equal(first, Thumbprint());
        }

        var file = Path.Combine(Data, ServerCertificate.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(file, null);
        Assert.Contains("localhost", certificate.GetNameInfo(X509NameType.DnsFromAlternativeName, false), StringComparison.Ordinal);
        Assert.True(certificate.NotAfter > DateTime.UtcNow.AddDays(300));
    }

    [Theory]
    [InlineData("-tls1_2", true)]
    [InlineData("-tls1_3", true)]
    [InlineData("-tls1_1", false)]
    [InlineData("-tls1", false)]
    public async Task OnlyTls12And13_AreAccepted(string version, bool accepted)
    {
        await using var server = await ServerHarness.StartAsync(Data);

        // OpenSSL's own client, at security level 0 so that it does offer the old versions: the server must refuse them.
        var (exitCode, output) = await OpenSslAsync(server.Port, version);

        if (accepted)
        {
            Assert.True(exitCode == 0, output);
            Assert.Matches($@"New, TLSv1\.{version[^1]}, Cipher is [A-Z]", output);
        }
        else
        {
            // The handshake fails on the server's protocol-version alert: no cipher is ever agreed.
            Assert.True(exitCode != 0, output);
            Assert.Contains("Cipher is (NONE)", output, StringComparison.Ordinal);
            Assert.Contains("alert protocol version", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PlainHttp_AwayFromLoopback_IsRefusedAtStart()
    {
        var validation = new ServerOptionsValidation("Server");

        var refused = validation.Validate(null, new ServerOptions { Address = "0.0.0.0", LoopbackHttpPort = 8080 });
        var allowed = validation.Validate(null, new ServerOptions { Address = "127.0.0.1", LoopbackHttpPort = 8080 });
        var badAddress = validation.Validate(null, new ServerOptions { Address = "example.org" });

        Assert.Contains("Server:LoopbackHttpPort is allowed only when Server:Address is a loopback address", refused.FailureMessage, StringComparison.Ordinal);
        Assert.True(allowed.Succeeded);
        Assert.Contains("Server:Address", badAddress.FailureMessage, StringComparison.Ordinal);
    }

    private string Data => Path.Combine(root.FullName, "data");

    private string Thumbprint()
    {
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(Data, ServerCertificate.FileName), null);
        return certificate.Thumbprint;
    }

    private static async Task<(int ExitCode, string Output)> OpenSslAsync(int port, string version)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "s_client", "-connect", $"127.0.0.1:{port}", version, "-cipher", "DEFAULT@SECLEVEL=0" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
