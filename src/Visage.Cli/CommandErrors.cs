using Spectre.Console;
using Visage.Deid.Batch;
using Visage.Face;
using Visage.Protection;
using Visage.Storage;

namespace Visage.Cli;

/// <summary>Turns the engine's typed errors into one clear line and an exit code; nothing else is caught.</summary>
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
    }

    private static void Fail(string message) => AnsiConsole.Console.MarkupLineInterpolated($"[red]error:[/] {message}");
}
