using System.Diagnostics;

namespace Visage.Benchmarks.Deid;

/// <summary>Runs a command-line tool to completion and captures its output.</summary>
internal static class ExternalTool
{
    public static (int ExitCode, string Output, string Error) Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    public static string Version(string fileName, string argument = "--version")
    {
        try
        {
            var (_, output, error) = Run(fileName, [argument]);
            var text = (output + "\n" + error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return text.FirstOrDefault(l => l.Length > 0) ?? fileName;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return fileName + " (not installed)";
        }
    }
}
