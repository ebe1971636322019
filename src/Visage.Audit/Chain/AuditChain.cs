using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using Visage.Gallery;
using Visage.Protection;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>
/// The append-only writer. Callers on any thread queue entries; one writer loop takes everything queued, gives
/// it the next sequences and hashes, inserts the batch in one transaction and only then completes the callers'
/// tasks (group commit: one fsync for many appends, and nothing acknowledged that a crash could lose). It signs a
/// checkpoint at every <see cref="AuditChainOptions.CheckpointEveryRecords"/>-th record (in the same transaction),
/// once <see cref="AuditChainOptions.CheckpointInterval"/> has passed with records unsigned, and at
/// <see cref="DisposeAsync"/>; each committed checkpoint is then appended to the anchor file outside the database.
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
    private readonly CheckpointAnchorFile anchorFile;
    private readonly CheckpointPublisher publisher;
    private readonly List<AuditCheckpoint> dueCheckpoints = [];
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

    private AuditChain(VisageDatabase database, IKeyProvider keys, AuditChainOptions options, IAsyncDisposable writerLock, CheckpointAnchorFile anchorFile, DbConnection connection, AuditRecord? last, long lastCheckpointSequence)
    {
        this.database = database;
        this.writerLock = writerLock;
        this.keys = keys;
        this.options = options;
        this.anchorFile = anchorFile;
        this.connection = connection;
        keyFingerprint = AuditEncoding.KeyFingerprint(keys.ExportSigningPublicKey());
        publisher = options.CheckpointSink is { } sink ? new CheckpointPublisher(anchorFile, sink) : new CheckpointPublisher(anchorFile);
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

    /// <summary>The anchor file every committed checkpoint is appended to.</summary>
    public string AnchorFile => anchorFile.Path;

    /// <summary>
    /// Opens the chain on a migrated database and continues it from its newest record. Opens the anchor file
    /// (<see cref="AuditChainOptions.AnchorFile"/>, or the store's default) first; a new or empty one gets a copy of
    /// the newest checkpoint already in the database, so an anchor file is never empty while the database holds one.
    /// </summary>
    /// <exception cref="CheckpointAnchorFileException">The anchor file is damaged; it is left as it is, for inspection.</exception>
    /// <exception cref="AuditDataException">The newest record or a checkpoint's sequence is damaged.</exception>
    public static async Task<AuditChain> OpenAsync(VisageDatabase database, IKeyProvider keys, AuditChainOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(keys);
        options ??= new AuditChainOptions();
        // Two writers would hand out the same sequence numbers; the second process is refused up front.
        var writerLock = await database.AcquireExclusiveRoleAsync(WriterRole, cancellationToken);
        DbConnection? connection = null;
        CheckpointAnchorFile? anchorFile = null;
        try
        {
            anchorFile = new CheckpointAnchorFile(options.AnchorFile ?? CheckpointAnchorLocation.Default(database));
            connection = await database.OpenAppenderAsync(cancellationToken);
            var last = await AuditTable.ReadLastRecordAsync(connection, cancellationToken);
            var checkpoint = await AuditTable.ReadLastCheckpointSequenceAsync(connection, cancellationToken);
            if (anchorFile.Existing.Count == 0 && await AuditTable.ReadLastCheckpointAsync(connection, cancellationToken) is { } stored && IsOwnSignature(stored, keys))
            {
                anchorFile.Publish(stored);
            }

            return new AuditChain(database, keys, options, writerLock, anchorFile, connection, last, checkpoint);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            anchorFile?.Dispose();
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
        Screen(entry);
        var pending = new PendingAppend(entry, new TaskCompletionSource<AuditRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(pending), this);

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes what is queued, signs a final checkpoint and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
        await publisher.DisposeAsync();
        anchorFile.Dispose();
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
        _ = entry.Purpose.ToCode();
        ArgumentException.ThrowIfNullOrEmpty(entry.Outcome, nameof(entry));
        ArgumentNullException.ThrowIfNull(entry.CorrelationId, nameof(entry));
        foreach (var text in (string?[])[entry.Actor, entry.ActorRole, entry.Action, entry.Subject, entry.Outcome, entry.Reason, entry.ModelVersion, entry.CorrelationId])
        {
            AuditEncoding.Validate(text, nameof(entry));
        }
    }

    private void Screen(AuditEntry entry)
    {
        if (entry.Reason is { } reason && options.TextScreen?.FindIdentifier(reason) is { } kind)
        {
            throw AuditTextRefusedException.For("reason", kind);
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
            SignDueCheckpoints(records, checkpointOnly);
            if (records.Count == 0 && dueCheckpoints.Count == 0)
            {
                return;
            }

            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await AuditTable.InsertRecordsAsync(connection, transaction, records, AuditTable.RowsPerStatement(database.Provider), insert, CancellationToken.None);
                foreach (var checkpoint in dueCheckpoints)
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
                lastHash = records[^1].Hash;
                lastTimeMs = records[^1].TimeUtc.ToUnixTimeMilliseconds();
                Volatile.Write(ref lastSequence, records[^1].Sequence);
            }

            if (dueCheckpoints.Count > 0)
            {
                lastCheckpointSequence = dueCheckpoints[^1].Sequence;
                lastCheckpointTicks = options.TimeProvider.GetTimestamp();
                dueCheckpoints.ForEach(publisher.Publish);
            }

            // The observer sees the commit before its callers go on, so what it derives (a verification lockout) is
            // already in force when the caller that caused it asks.
            Notify(records);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(records[i]);
            }
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

    /// <summary>
    /// Fills <see cref="dueCheckpoints"/>: one at each record that is <see cref="AuditChainOptions.CheckpointEveryRecords"/>
    /// past the previous checkpoint (so no two are further apart, however large the batch: verify relies on it), and
    /// one at the tail when forced (timer, shutdown) or when the interval has passed.
    /// </summary>
    private void SignDueCheckpoints(List<AuditRecord> records, bool force)
    {
        dueCheckpoints.Clear();
        var signedUpTo = lastCheckpointSequence;
        foreach (var record in records)
        {
            if (record.Sequence - signedUpTo >= options.CheckpointEveryRecords)
            {
                dueCheckpoints.Add(SignCheckpoint(record.Sequence, record.Hash, record.TimeUtc));
                signedUpTo = record.Sequence;
            }
        }

        var tailSequence = records.Count > 0 ? records[^1].Sequence : lastSequence;
        if (tailSequence > signedUpTo && (force || options.TimeProvider.GetElapsedTime(lastCheckpointTicks) >= options.CheckpointInterval))
        {
            var time = records.Count > 0 ? records[^1].TimeUtc : DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), lastTimeMs));
            dueCheckpoints.Add(SignCheckpoint(tailSequence, records.Count > 0 ? records[^1].Hash : lastHash, time));
        }
    }

    private AuditCheckpoint SignCheckpoint(long sequence, byte[] hash, DateTimeOffset time)
    {
        // Sequences start at 1 and have no gaps, so the chain up to `sequence` holds exactly `sequence` records.
        var signature = keys.Sign(AuditEncoding.EncodeCheckpoint(sequence, hash, sequence, time, keyFingerprint));
        return new AuditCheckpoint(sequence, hash, sequence, time, keyFingerprint, signature);
    }

    private static bool IsOwnSignature(AuditCheckpoint checkpoint, IKeyProvider keys)
    {
        var publicKey = keys.ExportSigningPublicKey();
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(publicKey, out _);
        return AuditEncoding.VerifyCheckpoint(checkpoint, key, AuditEncoding.KeyFingerprint(publicKey));
    }

    private sealed record PendingAppend(AuditEntry Entry, TaskCompletionSource<AuditRecord> Completion, bool FollowUp = false);
}
