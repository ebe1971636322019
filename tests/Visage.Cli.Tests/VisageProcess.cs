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
        return start;
    }

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
