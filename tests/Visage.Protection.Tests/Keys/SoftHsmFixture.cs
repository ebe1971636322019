using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Visage.Protection.Tests.Keys;

/// <summary>
/// A throwaway SoftHSM2 token directory for the PKCS#11 tests. SOFTHSM2_CONF is process-wide and read when the
/// module initialises, so every PKCS#11 test shares this one fixture (and its collection runs them one at a time);
/// each test still gets its own freshly initialised token.
/// </summary>
public sealed class SoftHsmFixture : IDisposable
{
    public const string LibraryPath = "/usr/lib/softhsm/libsofthsm2.so";
    private const string Tool = "softhsm2-util";
    private const string InstallHint = "Install SoftHSM2 (apt-get install softhsm2; scripts/test does this) — the PKCS#11 tests need a real token and do not skip.";

    private readonly DirectoryInfo directory;
    private readonly string configPath;

    public SoftHsmFixture()
    {
        if (!File.Exists(LibraryPath))
        {
            throw new InvalidOperationException($"{LibraryPath} is missing. {InstallHint}");
        }

        directory = Directory.CreateTempSubdirectory("visage-softhsm-");
        var tokens = Directory.CreateDirectory(Path.Combine(directory.FullName, "tokens"));
        configPath = Path.Combine(directory.FullName, "softhsm2.conf");
        File.WriteAllText(configPath, $"directories.tokendir = {tokens.FullName}\nobjectstore.backend = file\nlog.level = ERROR\n");

        // On Unix, Environment.SetEnvironmentVariable changes only .NET's copy of the environment; SoftHSM reads the
        // native one with getenv, so set that too. Done before any test loads the module.
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", configPath);
        if (NativeMethods.setenv("SOFTHSM2_CONF", configPath, 1) != 0)
        {
            throw new InvalidOperationException("setenv(SOFTHSM2_CONF) failed.");
        }

        Pkcs11Modules.EnsureNativeResolver();
    }

    /// <summary>Initialises a new token with random PINs and returns options that open it.</summary>
    public Pkcs11Options CreateToken()
    {
        var label = "visage-test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var soPin = RandomPin();
        var userPin = RandomPin();
        Run("--init-token", "--free", "--label", label, "--so-pin", soPin, "--pin", userPin);
        return new Pkcs11Options(LibraryPath, label, userPin);
    }

    /// <summary>
    /// Looks at a token directly through Pkcs11Interop, not through the provider, to see what is really stored
    /// (or, with <paramref name="readWrite"/>, changes it behind the provider's back).
    /// Call only while no provider is open: the module is initialised and finalised here.
    /// </summary>
    public static T Inspect<T>(Pkcs11Options options, Func<ISession, Pkcs11InteropFactories, T> look, bool readWrite = false)
    {
        var factories = new Pkcs11InteropFactories();
        using var library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, options.LibraryPath, AppType.MultiThreaded);
        var slot = library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label == options.TokenLabel);
        using var session = slot.OpenSession(readWrite ? SessionType.ReadWrite : SessionType.ReadOnly);
        session.Login(CKU.CKU_USER, options.UserPin);
        try
        {
            return look(session, factories);
        }
        finally
        {
            session.Logout();
        }
    }

    public void Dispose() => directory.Delete(recursive: true);

    private static string RandomPin() =>
        RandomNumberGenerator.GetInt32(10_000_000, 100_000_000).ToString(CultureInfo.InvariantCulture);

    private void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SOFTHSM2_CONF"] = configPath;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{Tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{Tool} cannot be run ({ex.Message}). {InstallHint}", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{Tool} {arguments[0]} exited with {process.ExitCode}: {error} {output.Result}");
            }
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc.so.6", BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
    }
}

[CollectionDefinition(Name)]
public sealed class SoftHsmCollection : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM";
}
