using System.Threading.Channels;

namespace Visage.Audit;

/// <summary>
/// Copies each committed checkpoint to the anchor file and any other sink, in order, on its own task: an fsync of
/// the anchor file then never lands inside an append's latency. A copy that lags the database is harmless (verify
/// accepts an anchor file that is behind); one ahead of it would not be, which is why copying starts only after the
/// checkpoint's transaction has committed.
/// </summary>
internal sealed class CheckpointPublisher : IAsyncDisposable
{
    private readonly Channel<AuditCheckpoint> queue = Channel.CreateUnbounded<AuditCheckpoint>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly IAuditCheckpointSink[] sinks;
    private readonly Task loop;

    public CheckpointPublisher(params IAuditCheckpointSink[] sinks)
    {
        this.sinks = sinks;
        loop = Task.Run(RunAsync);
    }

    public void Publish(AuditCheckpoint checkpoint) => queue.Writer.TryWrite(checkpoint);

    /// <summary>Copies what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }

    private async Task RunAsync()
    {
        await foreach (var checkpoint in queue.Reader.ReadAllAsync())
        {
            foreach (var sink in sinks)
            {
                try
                {
                    sink.Publish(checkpoint);
                }
#pragma warning disable CA1031 // The checkpoint is committed in the database; a failing copy must not stop the chain or the other copies.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }
}
