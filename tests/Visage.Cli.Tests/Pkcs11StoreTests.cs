using System.Diagnostics;
using System.Security.Cryptography;

namespace Visage.Cli.Tests;

/// <summary>
/// The CLI with <c>Storage:Keys:Provider=pkcs11</c> against a real SoftHSM2 token initialised in a temp directory:
/// the keys that guard the store live on the token, and rotation works through it.
/// </summary>
public sealed class Pkcs11StoreTests : IDisposable
{
    private const string Library = "/usr/lib/softhsm/libsofthsm2.so";
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-hsm-cli-");
    private readonly string pin = RandomNumberGenerator.GetInt32(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task KeysOnTheToken_StatusRotateAndNoKeyFile()
    {
        var environment = await CreateTokenAsync();

        var status = await RunAsync(environment, "keys", "status");
        var rotate = await RunAsync(environment, "keys", "rotate");
        var after = await RunAsync(environment, "keys", "status");

        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("key provider: pkcs11", status.Output, StringComparison.Ordinal);
        Assert.True(rotate.ExitCode == 0, rotate.Output);
        Assert.Contains("keys now wrapped under version 2", rotate.Output, StringComparison.Ordinal);
        Assert.Contains("retired versions: 1", rotate.Output, StringComparison.Ordinal);
        Assert.Matches(@"│ 2\s+│ yes\s+│ 1\s+│", after.Output);
        Assert.False(File.Exists(Path.Combine(directory.FullName, "data", "visage.keys")), "no key file when an HSM holds the keys");
    }

    [Fact]
    public async Task WrongPin_RefusedWithoutShowingIt()
    {
        var environment = await CreateTokenAsync();
        environment["VISAGE_Storage__Keys__Pkcs11Pin"] = "11112222";

        var (exitCode, output) = await RunAsync(environment, "keys", "status");

        Assert.Equal(6, exitCode);
        Assert.DoesNotContain("11112222", output, StringComparison.Ordinal);
        Assert.DoesNotContain(pin, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyTokenOverAPopulatedStore_RefusedWithExit6AndNothingCreatedOnIt()
    {
        var environment = await CreateTokenAsync();
        Assert.Equal(0, (await RunAsync(environment, "keys", "status")).ExitCode);
        var tokensBefore = Directory.GetDirectories(Path.Combine(directory.FullName, "tokens"));
        await InitTokenAsync(environment["SOFTHSM2_CONF"], "visage-empty");
        var emptyToken = Assert.Single(Directory.GetDirectories(Path.Combine(directory.FullName, "tokens")).Except(tokensBefore));
        environment["VISAGE_Storage__Keys__Pkcs11Token"] = "visage-empty";

        var (exitCode, output) = await RunAsync(environment, "keys", "status");

        Assert.Equal(6, exitCode);
        // The console wraps long lines; compare with the line breaks taken out.
        Assert.Contains("not the token the database was created with", System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "), StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\n\s+at \S+\(", output);
        Assert.DoesNotContain(Directory.GetFiles(emptyToken, "*.object"), f => Path.GetFileName(f) != "token.object");
    }

    private async Task<Dictionary<string, string>> CreateTokenAsync()
    {
        Assert.True(File.Exists(Library), $"{Library} is missing; scripts/test installs Debian's softhsm2.");
        var tokens = Directory.CreateDirectory(Path.Combine(directory.FullName, "tokens"));
        var config = Path.Combine(directory.FullName, "softhsm2.conf");
        await File.WriteAllTextAsync(config, $"directories.tokendir = {tokens.FullName}\nobjectstore.backend = file\nlog.level = ERROR\n");
        var environment = new Dictionary<string, string>
        {
            ["SOFTHSM2_CONF"] = config,
            ["VISAGE_Storage__Keys__Provider"] = "pkcs11",
            ["VISAGE_Storage__Keys__Pkcs11Library"] = Library,
            ["VISAGE_Storage__Keys__Pkcs11Token"] = "visage-cli",
            ["VISAGE_Storage__Keys__Pkcs11Pin"] = pin,
        };
        await InitTokenAsync(config, "visage-cli");
        return environment;
    }

    private async Task InitTokenAsync(string config, string label)
    {
        var init = new ProcessStartInfo("softhsm2-util") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--init-token", "--free", "--label", label, "--so-pin", "87654321", "--pin", pin])
        {
            init.ArgumentList.Add(a);
        }

        init.Environment["SOFTHSM2_CONF"] = config;
        using var process = Process.Start(init)!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var start = VisageProcess.StartInfo(Path.Combine(directory.FullName, "data"), arguments);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return await VisageProcess.RunAsync(start);
    }
}
