using System.Diagnostics;
using System.Reflection;

namespace Visage.Deid;

/// <summary>
/// How the host starts a de-identification worker: its own executable with these arguments (the host maps them to a
/// command that calls <see cref="DeidPipeline.ServeWorkerAsync"/>). Run as <c>dotnet app.dll</c>, the entry assembly
/// is passed first, so the worker is the same program started the same way.
/// </summary>
public sealed record DeidWorkerCommand(IReadOnlyList<string> Arguments)
{
    internal ProcessStartInfo StartInfo()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The running executable is unknown.");
        var start = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var argument in Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
