using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Visage.Server.Hosting;

/// <summary>
/// One line per log entry: time, level, category and the message template's text. An exception is named by its type
/// only: its message and stack can carry request input (PHI) and belong to no console.
/// </summary>
internal sealed class ServerConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "visage";

    public override void Write<TState>(in LogEntry<TState> logEntry, Microsoft.Extensions.Logging.IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, null) ?? string.Empty;
        var exception = logEntry.Exception is { } e ? $" ({e.GetType().Name})" : string.Empty;
        textWriter.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {logEntry.LogLevel.ToString().ToLowerInvariant()} {logEntry.Category}: {message}{exception}");
    }
}
