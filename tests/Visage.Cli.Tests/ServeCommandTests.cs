using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Visage.Cli.Tests;

/// <summary><c>visage serve</c> as a person runs it: zero configuration, HTTPS with its own certificate, ready, and a clean stop on SIGINT.</summary>
public sealed partial class ServeCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-serve-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task Serve_PrintsItsAddressAndCertificate_AnswersReady_AndStopsCleanlyOnSigint()
    {
        var start = VisageProcess.StartInfo(directory.FullName, "serve");
        start.Environment["VISAGE_Server__HttpsPort"] = "0";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var printed = new List<string>();
        Uri? address = null;
        string? fingerprint = null;
        string? setupToken = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (setupToken is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            printed.Add(line);
            if (Serving().Match(line) is { Success: true } served)
            {
                address = new Uri(served.Groups[1].Value);
            }

            fingerprint ??= Fingerprint().Match(line) is { Success: true } pinned ? pinned.Groups[1].Value : null;
            setupToken = SetupToken().Match(line) is { Success: true } link ? link.Groups[1].Value : null;
        }

        if (address is null || fingerprint is null || setupToken is null)
        {
            // Only now wait for the process's error output: it ends when the process does.
            process.Kill();
            Assert.Fail(string.Join('\n', printed) + await error);
        }

        // The browser's way in comes first: the set-up page, with the token in the fragment (never sent to the server).
        Assert.Contains($"  {address}setup#{setupToken}", printed);

        using (var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)) == fingerprint })
        using (var client = new HttpClient(handler) { BaseAddress = address })
        {
            using (var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains("\"status\":\"ready\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // The first-run link sets up the first administrator, who signs in with a TOTP code: no default password anywhere.
            using var setup = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new { token = setupToken, userId = "admin.first", password = "the first administrator's passphrase" });
            Assert.Equal(HttpStatusCode.Created, setup.StatusCode);
            var seed = (await setup.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("totpSecret").GetString()!;
            using var signIn = await client.PostAsJsonAsync(new Uri("/api/v1/session", UriKind.Relative), new { userId = "admin.first", password = "the first administrator's passphrase", totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(seed)).ComputeTotp(DateTime.UtcNow) });
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            using var spent = await client.PostAsJsonAsync(new Uri("/api/v1/setup", UriKind.Relative), new { token = setupToken, userId = "admin.second", password = "another long passphrase here" });
            Assert.Equal(HttpStatusCode.BadRequest, spent.StatusCode);
        }

        using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync();
        }

        await process.WaitForExitAsync(timeout.Token);
        var rest = await process.StandardOutput.ReadToEndAsync();
        Assert.True(process.ExitCode == 0, rest + await error);
        Assert.DoesNotContain("Exception", await error, StringComparison.Ordinal);
        Assert.Contains("stopped.", rest, StringComparison.Ordinal);
        // The token is printed once, with its curl line, and nowhere else (no request log repeats it).
        Assert.All((rest + await error).Split('\n').Where(l => l.Contains(setupToken, StringComparison.Ordinal)), l => Assert.StartsWith("curl ", l.TrimStart(), StringComparison.Ordinal));
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(directory.FullName, "server.pfx"), null);
        Assert.Equal(fingerprint, Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)));
        // The server held the audit writer and released it on the way out: a command can write again.
        var verify = await VisageProcess.RunAsync(directory.FullName, "audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.Output);
    }

    [Fact]
    public async Task Serve_OnAPortInUse_IsExit3_NamingTheSetting_WithoutAStackTrace()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var start = VisageProcess.StartInfo(directory.FullName, "serve");
        start.Environment["VISAGE_Server__HttpsPort"] = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (exitCode, output) = await VisageProcess.RunAsync(start);

        Assert.True(exitCode == 3, output);
        Assert.Contains("Server:HttpsPort", CliOutput.Unwrapped(output), StringComparison.Ordinal);
        Assert.False(CliOutput.HasStackTrace(output), output);
    }

    [Fact]
    public async Task Serve_WithACertificateFileThatIsNotPkcs12_IsExit3_WithoutItsPathOrAStackTrace()
    {
        var file = Path.Combine(directory.FullName, "patient-jane-doe.pfx");
        await File.WriteAllTextAsync(file, "not a certificate");
        var start = VisageProcess.StartInfo(directory.FullName, "serve");
        start.Environment["VISAGE_Server__HttpsPort"] = "0";
        start.Environment["VISAGE_Server__CertificateFile"] = file;

        var (exitCode, output) = await VisageProcess.RunAsync(start);

        Assert.True(exitCode == 3, output);
        Assert.Contains("Server:CertificateFile", CliOutput.Unwrapped(output), StringComparison.Ordinal);
        Assert.DoesNotContain("jane", output, StringComparison.OrdinalIgnoreCase);
        Assert.False(CliOutput.HasStackTrace(output), output);
    }

    [GeneratedRegex(@"Visage is serving (https://[^ ,]+)")]
    private static partial Regex Serving();

    [GeneratedRegex(@"^  (vsetup_[A-Za-z0-9_-]+)$")]
    private static partial Regex SetupToken();

    [GeneratedRegex("certificate SHA-256 ([0-9a-f]{64})")]
    private static partial Regex Fingerprint();
}
