using Spectre.Console;

namespace Visage.Cli;

/// <summary>
/// Turns the libraries' typed errors into one clear line and an exit code through the <see cref="FailureTable"/>.
/// Anything else is a fault of Visage, not of the input: it gets a short line with a correlation id and exit 12, and
/// its detail goes to the private <see cref="ErrorLog"/>.
/// </summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
#pragma warning disable CA1031 // The last line of the CLI: every exception becomes a message and an exit code.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Report(ex);
        }
    }

    public static int Report(Exception exception)
    {
        if (FailureTable.Find(exception) is { } failure)
        {
            Fail(failure.MessageFor(exception));
            return failure.ExitCodeFor(exception);
        }

        return Unexpected(exception);
    }

    /// <summary>The last resort, also used outside commands (start-up): no message text, which could carry input, reaches the terminal.</summary>
    public static int Unexpected(Exception exception)
    {
        var correlationId = Guid.NewGuid().ToString("N")[..12];
        var logged = ErrorLog.TryWrite(correlationId, exception);
        Fail(logged
            ? $"unexpected {exception.GetType().Name} (correlation id {correlationId}); the detail is in {ErrorLog.Path}."
            : $"unexpected {exception.GetType().Name} (correlation id {correlationId}); the detail could not be written to {ErrorLog.Path}.");
        return ExitCodes.Internal;
    }

    private static void Fail(string message) => AnsiConsole.Console.MarkupLineInterpolated($"[red]error:[/] {message}");
}
