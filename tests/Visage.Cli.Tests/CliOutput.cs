using System.Text.RegularExpressions;

namespace Visage.Cli.Tests;

/// <summary>What the CLI tests read from a run's output, and the random embeddings they enrol.</summary>
internal static partial class CliOutput
{
    /// <summary>The console wraps long lines at its width; compare messages with the line breaks taken out.</summary>
    public static string Unwrapped(string output) => Whitespace().Replace(output, " ");

    /// <summary>True when a .NET stack trace or an unhandled-exception banner reached the terminal.</summary>
    public static bool HasStackTrace(string output) =>
        output.Contains("   at ", StringComparison.Ordinal) || output.Contains("Unhandled exception", StringComparison.Ordinal);

    public static float[] RandomUnit(int seed)
    {
        var random = new Random(seed);
        var v = Enumerable.Range(0, 512).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
