using System.CommandLine;

namespace Visage.Cli.Commands;

/// <summary>Options the batched, resumable store commands share.</summary>
internal static class BatchSizeOption
{
    /// <summary><c>--batch-size</c> for the batched, resumable store commands (one transaction per batch).</summary>
    public static Option<int> Create(string description) => IntegerOption.Create("--batch-size", description, 500, 1, 100_000);
}
