using Visage.Storage;

namespace Visage.Audit;

/// <summary>
/// Runs the database's WAL checkpoint on its own connection and thread whenever the writer asks, coalescing requests
/// that arrive while one is running, so the copy into the main file (and its fsync) happens beside the writer's
/// commits instead of inside one of them, where it would set the append latency's tail.
/// </summary>
internal sealed class BackgroundCheckpointer : IAsyncDisposable
{
    private readonly VisageDatabase database;
    private readonly SemaphoreSlim requested = new(0, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    public BackgroundCheckpointer(VisageDatabase database)
    {
        this.database = database;
        loop = Task.Run(RunAsync);
    }

    public void Request()
    {
        if (requested.CurrentCount == 0)
        {
            try
            {
                requested.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already requested: one pending checkpoint covers both.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await loop;
        // Leave a short WAL behind for whoever opens the database next.
        await CheckpointOnceAsync(CancellationToken.None);
        stopping.Dispose();
        requested.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                await requested.WaitAsync(stopping.Token);
                await CheckpointOnceAsync(stopping.Token);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task CheckpointOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await database.CheckpointAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed checkpoint loses nothing (the WAL keeps every page); the next request retries.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
