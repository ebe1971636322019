using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Visage.Protection;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>
/// The append-only writer. Callers on any thread queue entries; one writer loop takes everything queued, gives
/// it the next sequences and hashes, inserts the batch in one transaction and only then completes the callers'
/// tasks (group commit: one fsync for many appends, and nothing acknowledged that a crash could lose). It signs a
/// checkpoint every <see cref="AuditChainOptions.CheckpointEveryRecords"/> records or
/// <see cref="AuditChainOptions.CheckpointInterval"/>, and at <see cref="DisposeAsync"/>.
/// One chain per database: two writers would race for the same sequence numbers.
/// </summary>
public sealed class AuditChain : IAsyncDisposable
{
    // About 1,000 WAL pages of records and index entries: SQLite's own auto-checkpoint size.
    private const int WalCheckpointEveryRecords = 4_000;
    private const string WriterRole = "audit-writer";

    private readonly Channel<PendingAppend> queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly VisageDatabase database;
    private readonly IKeyProvider keys;
    private readonly AuditChainOptions options;
    private readonly byte[] keyFingerprint;
    private readonly Task writer;
    private readonly StrongBox<DbCommand?> insert = new();
    // Entries an observer returned for the last committed batch; written first in the next batch (writer loop only).
    private readonly List<PendingAppend> followUps = [];
    private readonly BackgroundCheckpointer walCheckpointer;
    private readonly IAsyncDisposable writerLock;
    private long recordsSinceWalCheckpoint;
    private IAuditObserver? observer;
    private DbConnection? connection;
    private long lastSequence;
    private byte[] lastHash = AuditEncoding.GenesisHash;
    private long lastTimeMs;
    private long lastCheckpointSequence;
    private long lastCheckpointTicks;
    private bool resynchronise;
    private int consecutiveFailures;

    private AuditChain(VisageDatabase database, IKeyProvider keys, AuditChainOptions options, IAsyncDisposable writerLock, DbConnection connection, AuditRecord? last, long lastCheckpointSequence)
    {
        this.database = database;
        this.writerLock = writerLock;
        this.keys = keys;
        this.options = options;
        this.connection = connection;
        keyFingerprint = AuditEncoding.KeyFingerprint(keys.ExportSigningPublicKey());
        Continue(last);
        this.lastCheckpointSequence = lastCheckpointSequence;
        lastCheckpointTicks = options.TimeProvider.GetTimestamp();
        walCheckpointer = new BackgroundCheckpointer(database);
        writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The sequence of the newest committed record (0 for an empty chain).</summary>
    public long LastSequence => Volatile.Read(ref lastSequence);

    /// <summary>
    /// Sees every committed batch, in sequence order, on the writer loop; the entries it returns (e.g. alerts) are
    /// appended through this chain before anything queued later. Set before appending to see every record.
    /// </summary>
    public IAuditObserver? Observer
    {
        get => Volatile.Read(ref observer);
        set => Volatile.Write(ref observer, value);
    }

    /// <summary>Opens the chain on a migrated database and continues it from its newest record.</summary>
    public static async Task<AuditChain> OpenAsync(VisageDatabase database, IKeyProvider keys, AuditChainOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(keys);
        options ??= new AuditChainOptions();
        // Two writers would hand out the same sequence numbers; the second process is refused up front.
        var writerLock = await database.AcquireExclusiveRoleAsync(WriterRole, cancellationToken);
        DbConnection? connection = null;
        try
        {
            connection = await database.OpenAppenderAsync(cancellationToken);
            var last = await AuditTable.ReadLastRecordAsync(connection, cancellationToken);
            var checkpoint = await AuditTable.ReadLastCheckpointSequenceAsync(connection, cancellationToken);
            return new AuditChain(database, keys, options, writerLock, connection, last, checkpoint);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            await writerLock.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Appends <paramref name="entry"/> and returns the stored record once its transaction has committed.
    /// Cancelling stops the wait, not the write: a queued entry is still written.
    /// </summary>
    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Validate(entry);
        var pending = new PendingAppend(entry, new TaskCompletionSource<AuditRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(pending), this);

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes what is queued, signs a final checkpoint and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
        await DropInsertAsync();
        await walCheckpointer.DisposeAsync();
        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }

        await writerLock.DisposeAsync();
    }

    private static void Validate(AuditEntry entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(entry.Actor, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.ActorRole, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.Action, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.Purpose, nameof(entry));
        ArgumentException.ThrowIfNullOrEmpty(entry.Outcome, nameof(entry));
        ArgumentNullException.ThrowIfNull(entry.CorrelationId, nameof(entry));
        foreach (var text in (string?[])[entry.Actor, entry.ActorRole, entry.Action, entry.Purpose, entry.Subject, entry.Outcome, entry.Reason, entry.ModelVersion, entry.CorrelationId])
        {
            AuditEncoding.Validate(text, nameof(entry));
        }
    }

    private void Continue(AuditRecord? last)
    {
        Volatile.Write(ref lastSequence, last?.Sequence ?? 0);
        lastHash = last?.Hash ?? AuditEncoding.GenesisHash;
        lastTimeMs = last?.TimeUtc.ToUnixTimeMilliseconds() ?? 0;
    }

    private async Task WriteLoopAsync()
    {
        var reader = queue.Reader;
        var batch = new List<PendingAppend>();
        // Follow-ups first: they are written even while shutting down, so an alert on the last batch is not lost.
        while (FollowUpsToWrite(reader) || await WaitForWorkAsync(reader))
        {
            batch.Clear();
            batch.AddRange(followUps);
            followUps.Clear();
            while (batch.Count < options.MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await CommitAsync(batch, checkpointOnly: batch.Count == 0);
        }

        // Shutdown: whatever is still queued was drained above; sign the tail so it cannot be cut off unnoticed.
        if (LastSequence > lastCheckpointSequence)
        {
            await CommitAsync([], checkpointOnly: true);
        }
    }

    /// <summary>
    /// True while observer entries wait to be written. While shutting down, a database that keeps failing gets a
    /// few attempts, not a shutdown that never ends.
    /// </summary>
    private bool FollowUpsToWrite(ChannelReader<PendingAppend> reader)
    {
        if (followUps.Count > 0 && reader.Completion.IsCompleted && consecutiveFailures >= 3)
        {
            followUps.Clear();
        }

        return followUps.Count > 0;
    }

    /// <summary>True when entries are queued or a timed checkpoint is due; false once the queue is closed and empty.</summary>
    private async Task<bool> WaitForWorkAsync(ChannelReader<PendingAppend> reader)
    {
        if (LastSequence == lastCheckpointSequence || reader.Completion.IsCompleted)
        {
            return await reader.WaitToReadAsync();
        }

        var remaining = options.CheckpointInterval - options.TimeProvider.GetElapsedTime(lastCheckpointTicks);
        if (remaining <= TimeSpan.Zero)
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(remaining, options.TimeProvider);
        try
        {
            return await reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return true;
        }
    }

    private async Task CommitAsync(List<PendingAppend> batch, bool checkpointOnly)
    {
        try
        {
            connection ??= await database.OpenAppenderAsync();
            if (resynchronise)
            {
                // The last commit failed in a way that may or may not have reached the disk; continue from what did.
                Continue(await AuditTable.ReadLastRecordAsync(connection, CancellationToken.None));
                lastCheckpointSequence = await AuditTable.ReadLastCheckpointSequenceAsync(connection, CancellationToken.None);
                resynchronise = false;
            }

            var records = Seal(batch);
            var tailSequence = records.Count > 0 ? records[^1].Sequence : lastSequence;
            var tailHash = records.Count > 0 ? records[^1].Hash : lastHash;
            var checkpoint = CheckpointDue(tailSequence, checkpointOnly) ? SignCheckpoint(tailSequence, tailHash, records) : null;
            if (records.Count == 0 && checkpoint is null)
            {
                return;
            }

            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await AuditTable.InsertRecordsAsync(connection, transaction, records, AuditTable.RowsPerStatement(database.Provider), insert, CancellationToken.None);
                if (checkpoint is not null)
                {
                    await AuditTable.InsertCheckpointAsync(connection, transaction, checkpoint, CancellationToken.None);
                }

                await transaction.CommitAsync();
            }

            consecutiveFailures = 0;
            recordsSinceWalCheckpoint += records.Count;
            if (recordsSinceWalCheckpoint >= WalCheckpointEveryRecords)
            {
                recordsSinceWalCheckpoint = 0;
                walCheckpointer.Request();
            }

            if (records.Count > 0)
            {
                lastHash = tailHash;
                lastTimeMs = records[^1].TimeUtc.ToUnixTimeMilliseconds();
                Volatile.Write(ref lastSequence, tailSequence);
            }

            if (checkpoint is not null)
            {
                lastCheckpointSequence = checkpoint.Sequence;
                lastCheckpointTicks = options.TimeProvider.GetTimestamp();
                Publish(checkpoint);
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(records[i]);
            }

            Notify(records);
        }
#pragma warning disable CA1031 // The writer loop must survive any database failure; the error goes to every caller in the batch.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            resynchronise = true;
            consecutiveFailures++;
            await DropInsertAsync();
            if (connection is not null)
            {
                await connection.DisposeAsync();
                connection = null;
            }

            // Callers get the error; the observer's entries (alerts) have no caller to retry them, so they go first
            // into the next batch instead of being lost.
            followUps.InsertRange(0, batch.Where(p => p.FollowUp));
            foreach (var pending in batch.Where(p => !p.FollowUp))
            {
                pending.Completion.TrySetException(ex);
            }

            // A database that is down would otherwise turn a due checkpoint into a busy loop.
            await Task.Delay(TimeSpan.FromMilliseconds(100), options.TimeProvider);
        }
    }

    private void Notify(List<AuditRecord> records)
    {
        if (records.Count == 0 || Observer is not { } current)
        {
            return;
        }

        try
        {
            foreach (var entry in current.OnCommitted(records))
            {
                Validate(entry);
                followUps.Add(new PendingAppend(entry, new TaskCompletionSource<AuditRecord>(TaskCreationOptions.RunContinuationsAsynchronously), FollowUp: true));
            }
        }
#pragma warning disable CA1031 // A faulty observer must not stop the chain or fail appends that have already committed.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void Publish(AuditCheckpoint checkpoint)
    {
        try
        {
            options.CheckpointSink?.Publish(checkpoint);
        }
#pragma warning disable CA1031 // The checkpoint is committed in the database; a failing copy must not fail the appends.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task DropInsertAsync()
    {
        if (insert.Value is { } command)
        {
            insert.Value = null;
            await command.DisposeAsync();
        }
    }

    private List<AuditRecord> Seal(List<PendingAppend> batch)
    {
        var records = new List<AuditRecord>(batch.Count);
        // Whole milliseconds (what is stored and hashed), and never before the previous record, so time order follows sequence order.
        var timeMs = Math.Max(options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), lastTimeMs);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(timeMs);
        var sequence = lastSequence;
        var previous = lastHash;
        foreach (var pending in batch)
        {
            var record = AuditRecord.Seal(pending.Entry, ++sequence, time, previous);
            records.Add(record);
            previous = record.Hash;
        }

        return records;
    }

    private bool CheckpointDue(long tailSequence, bool force)
    {
        if (tailSequence <= lastCheckpointSequence)
        {
            return false;
        }

        return force
            || tailSequence - lastCheckpointSequence >= options.CheckpointEveryRecords
            || options.TimeProvider.GetElapsedTime(lastCheckpointTicks) >= options.CheckpointInterval;
    }

    private AuditCheckpoint SignCheckpoint(long sequence, byte[] hash, List<AuditRecord> records)
    {
        var time = records.Count > 0 ? records[^1].TimeUtc : DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), lastTimeMs));
        // Sequences start at 1 and have no gaps, so the chain up to `sequence` holds exactly `sequence` records.
        var signature = keys.Sign(AuditEncoding.EncodeCheckpoint(sequence, hash, sequence, time, keyFingerprint));
        return new AuditCheckpoint(sequence, hash, sequence, time, keyFingerprint, signature);
    }

    private sealed record PendingAppend(AuditEntry Entry, TaskCompletionSource<AuditRecord> Completion, bool FollowUp = false);
}
