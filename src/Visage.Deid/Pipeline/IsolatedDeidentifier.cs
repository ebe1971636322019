using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Visage.Deid.Batch;
using Visage.Deid.Reports;

namespace Visage.Deid;

/// <summary>
/// Runs a de-identifier in worker child processes (the host's own executable started with <see cref="DeidWorkerCommand"/>), one per batch worker, reused across files.
/// Debian's GDCM keeps its assertions and aborts the process on some malformed objects; here that ends one worker,
/// the file gets a Failed report with the reason, and the next file starts a fresh worker — the batch goes on.
/// Workers die with this process (<see cref="ParentLifetime"/>): Linux ties a child's parent-death signal to the
/// thread that forked it, so every worker is started from one thread that lives as long as this object, never from
/// a thread-pool thread that may retire mid-batch and take its workers with it.
/// </summary>
internal sealed class IsolatedDeidentifier(DeidKind kind, BatchKey key, DeidSettings settings, string outputExtension, DeidWorkerCommand command) : IFileDeidentifier, IDisposable
{
    private readonly ConcurrentBag<Worker> idle = [];
    private readonly LaunchThread launcher = new();

    public string OutputExtension(string inputPath) => outputExtension;

    public DeidFileReport Deidentify(string inputPath, string relativePath, string outputPath, CancellationToken cancellationToken)
    {
        var worker = idle.TryTake(out var reused) ? reused : Worker.Start(launcher, command, kind, key, settings);
        string? reply;
        try
        {
            reply = worker.Call(JsonSerializer.Serialize(new WorkerRequest(inputPath, relativePath, outputPath), DeidWorker.Wire), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            worker.Dispose();
            File.Delete(outputPath);
            throw;
        }

        if (reply is null)
        {
            worker.Dispose();
            File.Delete(outputPath);
            return DeidFileReport.Failed(relativePath, "The worker process died on this file (a native library aborted, typically on a malformed object); nothing was written.");
        }

        idle.Add(worker);
        return JsonSerializer.Deserialize<DeidFileReport>(reply, DeidWorker.Wire) ?? DeidFileReport.Failed(relativePath, "The worker sent no report.");
    }

    public void Dispose()
    {
        while (idle.TryTake(out var worker))
        {
            worker.Dispose();
        }

        launcher.Dispose();
    }

    /// <summary>The one thread that forks workers (see the class remarks).</summary>
    private sealed class LaunchThread : IDisposable
    {
        private readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> requests = [];
        private readonly Thread thread;

        public LaunchThread()
        {
            thread = new Thread(Run) { IsBackground = true, Name = "deid worker launcher" };
            thread.Start();
        }

        public Process Start(ProcessStartInfo start)
        {
            var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
            requests.Add((start, started));
            return started.Task.GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            requests.CompleteAdding();
            thread.Join();
            requests.Dispose();
        }

        private void Run()
        {
            foreach (var (start, started) in requests.GetConsumingEnumerable())
            {
                try
                {
                    started.SetResult(Process.Start(start) ?? throw new InvalidOperationException("The de-identification worker could not be started."));
                }
#pragma warning disable CA1031 // Handed to the caller, who sees it as its own Process.Start failing.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    started.SetException(ex);
                }
            }
        }
    }

    private sealed class Worker : IDisposable
    {
        private readonly Process process;

        private Worker(Process process) => this.process = process;

        public static Worker Start(LaunchThread launcher, DeidWorkerCommand command, DeidKind kind, BatchKey key, DeidSettings settings)
        {
            var process = launcher.Start(command.StartInfo());
            var secret = key.Export();
            try
            {
                process.StandardInput.WriteLine(JsonSerializer.Serialize(new WorkerStart(kind, Convert.ToBase64String(secret), settings, Environment.ProcessId), DeidWorker.Wire));
                process.StandardInput.Flush();
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
            }

            return new Worker(process);
        }

        /// <summary>Sends one request line and waits for its reply; null when the worker died first.</summary>
        public string? Call(string request, CancellationToken cancellationToken)
        {
            try
            {
                process.StandardInput.WriteLine(request);
                process.StandardInput.Flush();
            }
            catch (IOException)
            {
                return null;
            }

            return process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.StandardInput.Close();
                    if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }
    }
}
