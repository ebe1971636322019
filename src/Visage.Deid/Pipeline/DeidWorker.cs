using System.Text.Json;
using Visage.Deid.Batch;
using Visage.Deid.Reports;
using Visage.Face;

namespace Visage.Deid;

/// <summary>
/// A de-identification worker process: serves one de-identifier over stdin/stdout for <see cref="IsolatedDeidentifier"/>,
/// so a native library that aborts on a malformed file takes down this process, not the batch. Protocol, one JSON
/// object per line: the parent sends <see cref="WorkerStart"/> (with the batch key: a private pipe, never argv or
/// the environment), then one <see cref="WorkerRequest"/> per file and reads one <see cref="DeidFileReport"/> back.
/// The worker dies with the batch (<see cref="ParentLifetime"/>) and exits at the end of its input; it writes only the
/// partial file it was asked for, inside the batch's private work folder, and deletes it if the batch is gone.
/// </summary>
internal static class DeidWorker
{
    /// <summary>Fault injection for the crash test only: the worker dies on the file with this relative path.</summary>
    public const string CrashOnVariable = "VISAGE_TEST_DEID_WORKER_CRASH_ON";

    /// <summary>
    /// Fault injection for the orphan test only: on the file with this relative path the worker writes half an output
    /// and then hangs, as a native library stuck on a file would; only its batch's death may end it.
    /// </summary>
    public const string HangOnVariable = "VISAGE_TEST_DEID_WORKER_HANG_ON";

    public static readonly JsonSerializerOptions Wire = new(DeidReportJson.Options) { WriteIndented = false };

    /// <summary>Serves until the batch closes the input; false when it sent nothing (not started by a batch).</summary>
    public static async Task<bool> ServeAsync(Stream requests, Stream replies, FaceEngine faces, CancellationToken cancellationToken)
    {
        using var input = new StreamReader(requests);
        await using var output = new StreamWriter(replies) { AutoFlush = true };
        if (await input.ReadLineAsync(cancellationToken) is not { } hello)
        {
            return false;
        }

        var start = JsonSerializer.Deserialize<WorkerStart>(hello, Wire) ?? throw new JsonException("Empty worker start.");
        ParentLifetime.TieTo(start.ParentProcessId);
        using var key = new BatchKey(Convert.FromBase64String(start.Key));
        var deidentifier = Deidentifiers.CreateInProcess(start.Kind, key, start.Settings, faces);
        var crashOn = Environment.GetEnvironmentVariable(CrashOnVariable);
        var hangOn = Environment.GetEnvironmentVariable(HangOnVariable);
        try
        {
            while (await input.ReadLineAsync(cancellationToken) is { } line)
            {
                var request = JsonSerializer.Deserialize<WorkerRequest>(line, Wire) ?? throw new JsonException("Empty worker request.");
                if (crashOn is not null && string.Equals(crashOn, request.Relative, StringComparison.Ordinal))
                {
                    Environment.FailFast("Crash injected by the test.");
                }

                if (hangOn is not null && string.Equals(hangOn, request.Relative, StringComparison.Ordinal))
                {
                    await File.WriteAllBytesAsync(request.Output, new byte[64 * 1024], cancellationToken);
                    await Task.Delay(Timeout.InfiniteTimeSpan, CancellationToken.None);
                }

                var report = deidentifier.Deidentify(request.Input, request.Relative, request.Output, cancellationToken);
                if (!ParentLifetime.ParentAlive)
                {
                    // Nobody will check or move this output; it must not outlive the batch.
                    File.Delete(request.Output);
                    ParentLifetime.KillSelf();
                }

                await output.WriteLineAsync(JsonSerializer.Serialize(report, Wire));
            }
        }
        finally
        {
            (deidentifier as IDisposable)?.Dispose();
        }

        return true;
    }
}

internal sealed record WorkerStart(DeidKind Kind, string Key, DeidSettings Settings, int ParentProcessId);

internal sealed record WorkerRequest(string Input, string Relative, string Output);
