using System.Diagnostics;

namespace Visage.Cli.Tests;

/// <summary>Runs the real <c>visage</c> CLI (built beside the tests) as a child process with its own data directory.</summary>
internal sealed class VisageProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "visage.dll");

    public static ProcessStartInfo StartInfo(string dataDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["VISAGE_Storage__DataDirectory"] = dataDirectory;
        // The private error log goes beside the test's data, not into the user's home.
        start.Environment["XDG_STATE_HOME"] = StateDirectory(dataDirectory);
        // The clinic is open all day, so a test's records are the same whatever time CI runs it (no after-hours alerts).
        start.Environment["VISAGE_Audit__Alerts__ClinicOpens"] = "00:00";
        start.Environment["VISAGE_Audit__Alerts__ClinicCloses"] = "23:59:59.9999999";
        return start;
    }

    /// <summary>A run on the store <paramref name="options"/> describe: SQLite in the data directory, or its PostgreSQL database.</summary>
    public static ProcessStartInfo StartInfo(string dataDirectory, Visage.Storage.StorageOptions options, params string[] arguments)
    {
        var start = StartInfo(dataDirectory, arguments);
        if (options.Provider == "postgres")
        {
            start.Environment["VISAGE_Storage__Provider"] = "postgres";
            start.Environment["VISAGE_Storage__Postgres"] = options.Postgres;
        }

        return start;
    }

    /// <summary>The same run under umask 000, as a service started by a careless unit file would be: Visage alone must make its files private.</summary>
    public static ProcessStartInfo UnderOpenUmask(ProcessStartInfo start)
    {
        var wrapped = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        wrapped.ArgumentList.Add("-c");
        wrapped.ArgumentList.Add("umask 000; exec \"$0\" \"$@\"");
        wrapped.ArgumentList.Add(start.FileName);
        foreach (var argument in start.ArgumentList)
        {
            wrapped.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in start.Environment)
        {
            wrapped.Environment[name] = value;
        }

        return wrapped;
    }

    /// <summary>Where a run's <c>visage/errors.log</c> goes.</summary>
    public static string StateDirectory(string dataDirectory) => Path.Combine(dataDirectory, ".state");

    public static Task<(int ExitCode, string Output)> RunAsync(string dataDirectory, params string[] arguments) =>
        RunAsync(StartInfo(dataDirectory, arguments));

    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
