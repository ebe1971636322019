using System.Globalization;
using System.Text;
using Visage.Protection;

namespace Visage.Cli;

/// <summary>
/// Where an unexpected failure's detail goes: a private file ($XDG_STATE_HOME/visage/errors.log, 0600 in a 0700
/// folder), never the terminal, which may be seen, recorded or pasted into a ticket. The terminal gets the correlation id.
/// </summary>
internal static class ErrorLog
{
    public static string Path
    {
        get
        {
            var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
            var root = string.IsNullOrEmpty(state)
                ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state")
                : state;
            return System.IO.Path.Combine(root, "visage", "errors.log");
        }
    }

    /// <summary>Appends the failure under <paramref name="correlationId"/>; returns false when even the log cannot be written.</summary>
    public static bool TryWrite(string correlationId, Exception exception)
    {
        try
        {
            var path = Path;
            // A missing state home is created 0700 too, as the XDG base-directory rule asks.
            OwnerOnlyFiles.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            using var stream = OwnerOnlyFiles.OpenForWriting(path, FileMode.Append);
            var entry = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:O} {correlationId} visage {Environment.ProcessId}\n{exception}\n\n");
            stream.Write(Encoding.UTF8.GetBytes(entry));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
