using Spectre.Console;
using Visage.Deid.Batch;
using Visage.Face;
using Visage.Protection;
using Visage.Storage;

namespace Visage.Cli;

/// <summary>
/// Turns the libraries' typed errors into one clear line and an exit code. Anything else is a fault of Visage, not of
/// the input: it gets a short line with a correlation id and exit 12, and its detail goes to the private <see cref="ErrorLog"/>.
/// </summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (ModelIntegrityException ex)
        {
            Fail(ex.Message);
            return ExitCodes.ModelIntegrity;
        }
        catch (ImageDecodeException ex)
        {
            Fail($"image refused ({ex.Reason}): {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (FaceNotFoundException ex)
        {
            Fail(ex.Message);
            return ExitCodes.BadInput;
        }
        catch (KeyProviderException ex)
        {
            Fail(ex.Message);
            return ExitCodes.Keys;
        }
        catch (ProtectedDataException ex)
        {
            Fail(ex.Message);
            return ExitCodes.ProtectedData;
        }
        catch (StorageException ex)
        {
            Fail(ex.Message);
            return ExitCodes.Storage;
        }
        catch (DeidFolderException ex)
        {
            Fail(ex.Message);
            return ExitCodes.BadInput;
        }
        catch (BatchKeyFileException ex)
        {
            Fail(ex.Message);
            return ExitCodes.Keys;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            Fail(ex.Message);
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            Fail("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex)
        {
            return Unexpected(ex);
        }
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
