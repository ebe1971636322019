namespace Visage.Storage;

/// <summary>
/// A long-lived resource a process opens once, on first use, and closes once: concurrent first callers wait for the
/// same open; a failed open is retried by the next caller; after <see cref="DisposeAsync"/> nothing opens it again.
/// </summary>
public sealed class OpenOnce<T> : IAsyncDisposable
    where T : class, IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private T? value;
    private bool disposed;

    /// <summary>The opened resource; null before the first successful open and after disposal.</summary>
    public T? Current => Volatile.Read(ref value);

    /// <summary>The resource, opened with <paramref name="open"/> if no caller has opened it yet.</summary>
    public async Task<T> GetAsync(Func<CancellationToken, Task<T>> open, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (Current is { } opened)
        {
            return opened;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (value is null)
            {
                Volatile.Write(ref value, await open(cancellationToken));
            }

            return value;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            if (value is not null)
            {
                await value.DisposeAsync();
                Volatile.Write(ref value, null);
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
