using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>
/// Checks the whole chain: that both audit tables exist with their columns, then streams records in sequence order,
/// checks every row reads as a record, recomputes every hash, follows every previous-hash link and the sequence
/// numbering, and checks every checkpoint's signature, hash and count, and that no stretch longer than the writer's
/// cadence went unsigned. Reports the first break (the lowest sequence) and its kind. Never throws for what it finds
/// in the tables: only when the database cannot be reached at all.
/// </summary>
public static class AuditVerifier
{
    private static readonly string[] RecordColumnNames = AuditTable.RecordColumns.Split(", ");
    private static readonly string[] CheckpointColumnNames = AuditTable.CheckpointColumns.Split(", ");

    /// <param name="database">The database holding the chain.</param>
    /// <param name="publicKey">The signing key's DER SubjectPublicKeyInfo (<c>IKeyProvider.ExportSigningPublicKey</c>, or a PEM file's contents), obtained out of band, not from the database.</param>
    /// <param name="anchors">
    /// Checkpoints kept outside the database (<see cref="CheckpointAnchorFile"/>); each must be signed, hold for the
    /// database's chain, and be in the database too, so a tail deleted together with its checkpoints, an emptied table
    /// or deleted checkpoints are found.
    /// </param>
    /// <param name="checkpointEveryRecords">The writer's <see cref="AuditChainOptions.CheckpointEveryRecords"/>: a longer stretch without a checkpoint in the database is <see cref="AuditBreak.MissingCheckpoints"/>.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    /// <exception cref="CryptographicException"><paramref name="publicKey"/> is not a public key.</exception>
    public static async Task<AuditVerification> VerifyAsync(
        VisageDatabase database,
        byte[] publicKey,
        IReadOnlyList<AuditCheckpoint>? anchors = null,
        int checkpointEveryRecords = AuditChainOptions.DefaultCheckpointEveryRecords,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(checkpointEveryRecords, 1);
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(publicKey, out _);
        var fingerprint = AuditEncoding.KeyFingerprint(publicKey);

        await using var connection = await database.OpenAsync(cancellationToken);
        if (await FindSchemaDamageAsync(connection, database.Provider, cancellationToken) is { } schema)
        {
            return schema;
        }

        var (stored, damagedCheckpoints) = await AuditTable.ReadCheckpointsAsync(connection, cancellationToken);
        var walk = new ChainWalk(Merge(stored, anchors ?? []), key, fingerprint, checkpointEveryRecords);
        foreach (var damage in damagedCheckpoints)
        {
            walk.VisitDamagedCheckpoint(damage);
        }

        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {AuditTable.RecordColumns} FROM audit_records ORDER BY sequence;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (AuditTable.TryReadRecord(reader, out var damage) is { } record)
                {
                    walk.Visit(record);
                }
                else
                {
                    walk.VisitDamaged(damage!);
                }
            }
        }

        walk.Finish();
        var found = walk.FirstBreak;
        if (found is { Suspect: { } suspect })
        {
            var kind = await ClassifyAsync(connection, suspect, found.Kind, cancellationToken);
            found = kind == found.Kind ? found : found with { Kind = kind, Detail = string.Create(CultureInfo.InvariantCulture, $"record {suspect.Sequence} is a genuine record written at another position") };
        }

        return new AuditVerification(walk.RecordsChecked, walk.CheckpointsChecked, walk.LastSequence, walk.LastCheckpointedSequence, found?.Sequence, found?.Kind)
        {
            StoredCheckpoints = stored.Count + damagedCheckpoints.Count,
            Detail = found?.Detail,
        };
    }

    /// <summary>A missing table or column, found from the catalogue before any query could fail on it.</summary>
    private static async Task<AuditVerification?> FindSchemaDamageAsync(DbConnection connection, StorageProvider provider, CancellationToken cancellationToken)
    {
        foreach (var (table, expected) in ((string, string[])[])[("audit_records", RecordColumnNames), ("audit_checkpoints", CheckpointColumnNames)])
        {
            var columns = await AuditTable.ReadColumnNamesAsync(connection, provider, table, cancellationToken);
            if (columns.Count == 0)
            {
                return new AuditVerification(0, 0, 0, null, null, AuditBreak.TableMissing) { Detail = $"the {table} table does not exist" };
            }

            if (Array.Find(expected, c => !columns.Contains(c)) is { } missing)
            {
                return new AuditVerification(0, 0, 0, null, null, AuditBreak.Malformed) { Detail = $"the {table} table has no {missing} column" };
            }
        }

        return null;
    }

    /// <summary>
    /// The database's checkpoints plus every anchor it lacks, in sequence order (the database's first at a tie). An
    /// anchor that differs from the database's checkpoint at the same sequence is kept too: both are checked against
    /// the record there.
    /// </summary>
    private static List<WalkCheckpoint> Merge(List<AuditCheckpoint> stored, IReadOnlyList<AuditCheckpoint> anchors)
    {
        var merged = stored.ConvertAll(c => new WalkCheckpoint(c, Stored: true));
        foreach (var anchor in anchors)
        {
            if (!stored.Exists(c => Same(c, anchor)) && !merged.Exists(c => !c.Stored && Same(c.Checkpoint, anchor)))
            {
                merged.Add(new WalkCheckpoint(anchor, Stored: false));
            }
        }

        // List.Sort is not stable; the explicit tie-break keeps the database's checkpoint first.
        merged.Sort((a, b) => a.Checkpoint.Sequence != b.Checkpoint.Sequence ? a.Checkpoint.Sequence.CompareTo(b.Checkpoint.Sequence) : b.Stored.CompareTo(a.Stored));
        return merged;

        static bool Same(AuditCheckpoint a, AuditCheckpoint b) =>
            a.Sequence == b.Sequence && a.Signature.AsSpan().SequenceEqual(b.Signature) && a.Hash.AsSpan().SequenceEqual(b.Hash)
            && a.RecordCount == b.RecordCount && a.TimeUtc == b.TimeUtc && a.KeyFingerprint.AsSpan().SequenceEqual(b.KeyFingerprint);
    }

    /// <summary>
    /// A record that fails its hash, or does not link to its predecessor, was either moved or forged. Moved: its
    /// content hashes correctly at the position its neighbours (found by hash) say it came from, or its
    /// predecessor still exists elsewhere. Otherwise forged: modified if its hash fails, inserted if it hashes.
    /// </summary>
    private static async Task<AuditBreak> ClassifyAsync(DbConnection connection, AuditRecord suspect, AuditBreak provisional, CancellationToken cancellationToken)
    {
        var predecessor = suspect.PreviousHash.AsSpan().SequenceEqual(AuditEncoding.GenesisHash)
            ? 0
            : await FindSequenceAsync(connection, "hash = @hash", suspect.PreviousHash, cancellationToken);
        if (provisional == AuditBreak.Inserted)
        {
            return predecessor is null ? AuditBreak.Inserted : AuditBreak.Reordered;
        }

        var successor = await FindSequenceAsync(connection, "prev_hash = @hash", suspect.Hash, cancellationToken);
        foreach (var original in (long?[])[predecessor + 1, successor - 1])
        {
            if (original is { } position && position != suspect.Sequence && position > 0
                && AuditEncoding.ComputeHash(suspect, position).AsSpan().SequenceEqual(suspect.Hash))
            {
                return AuditBreak.Reordered;
            }
        }

        return AuditBreak.Modified;
    }

    private static async Task<long?> FindSequenceAsync(DbConnection connection, string condition, byte[] hash, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        // Conditions are our own constants. A full scan, run at most twice and only once a break is found.
        command.CommandText = $"SELECT sequence FROM audit_records WHERE {condition} ORDER BY sequence LIMIT 1;";
        command.AddBytes("@hash", hash);
        // A damaged row's sequence may not be a number; it then tells nothing about where the suspect came from.
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : null;
    }

    private sealed record WalkCheckpoint(AuditCheckpoint Checkpoint, bool Stored)
    {
        public string Source => Stored ? "in the database" : "in the anchor file";
    }

    private sealed record Found(AuditBreak Kind, long? Sequence, string Detail, AuditRecord? Suspect);

    /// <summary>The walk's state; keeps the break at the lowest sequence (the first met, at a tie).</summary>
    private sealed class ChainWalk(List<WalkCheckpoint> checkpoints, ECDsa key, byte[] fingerprint, int checkpointEveryRecords)
    {
        private readonly byte[] computed = new byte[AuditEncoding.HashLength];
        private int nextCheckpoint;
        private long expected = 1;
        // Null after a damaged record: the next one's link cannot be checked (the damage is already the break).
        private byte[]? previousHash = AuditEncoding.GenesisHash;
        private long lastStoredSigned;
        private AuditRowDamage? unplaced;

        public long RecordsChecked { get; private set; }

        public long CheckpointsChecked { get; private set; }

        public long LastSequence { get; private set; }

        public long? LastCheckpointedSequence { get; private set; }

        public Found? FirstBreak { get; private set; }

        public void Visit(AuditRecord record)
        {
            Arrive(record.Sequence);
            AuditEncoding.ComputeHash(record, record.Sequence, computed);
            if (!computed.AsSpan().SequenceEqual(record.Hash))
            {
                Report(AuditBreak.Modified, record.Sequence, $"record {record.Sequence} does not hash to its stored hash", record);
            }
            else if (previousHash is not null && !record.PreviousHash.AsSpan().SequenceEqual(previousHash))
            {
                Report(AuditBreak.Inserted, record.Sequence, $"record {record.Sequence} does not link to the record before it", record);
            }

            // Usually one; two when an anchor kept outside the database disagrees with the stored checkpoint.
            while (nextCheckpoint < checkpoints.Count && checkpoints[nextCheckpoint].Checkpoint.Sequence == record.Sequence)
            {
                var checkpoint = checkpoints[nextCheckpoint++];
                if (!CheckSignature(checkpoint))
                {
                    continue;
                }

                if (!(checkpoint.Checkpoint.Hash.AsSpan().SequenceEqual(record.Hash) && checkpoint.Checkpoint.RecordCount == RecordsChecked))
                {
                    // Every record here hashes and links, yet the signed state differs: the stretch since the previous checkpoint was rewritten.
                    Report(AuditBreak.Modified, record.Sequence, $"the chain up to {record.Sequence} differs from the signed checkpoint {checkpoint.Source}");
                }
                else if (checkpoint.Stored)
                {
                    lastStoredSigned = record.Sequence;
                }
                else
                {
                    // Anchors are copied only after their checkpoint commits, so the database had this one.
                    Report(AuditBreak.MissingCheckpoints, record.Sequence, $"the anchor file holds the signed checkpoint at {record.Sequence}, the database does not");
                }
            }

            Leave(record.Sequence, record.Hash);
        }

        public void VisitDamaged(AuditRowDamage damage)
        {
            if (damage.Sequence is not { } sequence)
            {
                unplaced ??= damage;
                return;
            }

            Arrive(sequence);
            Report(AuditBreak.Malformed, sequence, $"record {sequence}: {damage.Problem}");
            while (nextCheckpoint < checkpoints.Count && checkpoints[nextCheckpoint].Checkpoint.Sequence == sequence)
            {
                var checkpoint = checkpoints[nextCheckpoint++];
                if (CheckSignature(checkpoint) && checkpoint.Stored)
                {
                    lastStoredSigned = sequence;
                }
            }

            Leave(sequence, null);
        }

        public void VisitDamagedCheckpoint(AuditRowDamage damage)
        {
            if (damage.Sequence is { } sequence)
            {
                Report(AuditBreak.Malformed, sequence, $"checkpoint {sequence}: {damage.Problem}");
            }
            else
            {
                unplaced ??= damage with { Problem = $"checkpoint: {damage.Problem}" };
            }
        }

        public void Finish()
        {
            while (nextCheckpoint < checkpoints.Count)
            {
                var checkpoint = checkpoints[nextCheckpoint++];
                if (!CheckSignature(checkpoint))
                {
                    continue;
                }

                var sequence = checkpoint.Checkpoint.Sequence;
                if (RecordsChecked == 0)
                {
                    Report(AuditBreak.Wiped, 1, $"the database holds no records, but the signed checkpoint {checkpoint.Source} vouches for {sequence}");
                }
                else
                {
                    Report(AuditBreak.TruncatedAfterCheckpoint, LastSequence + 1, $"the chain ends at {LastSequence}, but the signed checkpoint {checkpoint.Source} vouches for {sequence}");
                }
            }

            // A row whose sequence is no number sorts apart from the rest; whatever gap or short tail it left is its doing.
            if (unplaced is not null && (FirstBreak is null || FirstBreak.Kind is AuditBreak.Deleted or AuditBreak.TruncatedAfterCheckpoint or AuditBreak.Wiped))
            {
                FirstBreak = new Found(AuditBreak.Malformed, FirstBreak?.Sequence, $"a row {unplaced.Problem}", null);
            }
        }

        /// <summary>Checks the numbering up to <paramref name="sequence"/>, and the checkpoints before it, whose records are missing.</summary>
        private void Arrive(long sequence)
        {
            if (sequence != expected)
            {
                // ORDER BY on the primary key: a different number can only be a higher one.
                Report(AuditBreak.Deleted, expected, $"no record at sequence {expected}");
            }

            // Checkpoints whose record is missing (their signatures still count).
            while (nextCheckpoint < checkpoints.Count && checkpoints[nextCheckpoint].Checkpoint.Sequence < sequence)
            {
                CheckSignature(checkpoints[nextCheckpoint++]);
            }

            RecordsChecked++;
        }

        private void Leave(long sequence, byte[]? hash)
        {
            // The writer signs at least every checkpointEveryRecords records in the same transaction as the records,
            // so a longer stretch without one in the database means checkpoints were deleted.
            if (sequence - lastStoredSigned >= checkpointEveryRecords)
            {
                Report(AuditBreak.MissingCheckpoints, sequence, $"the database holds no signed checkpoint for records {lastStoredSigned + 1} to {sequence}; the writer signs one at least every {checkpointEveryRecords}");
                lastStoredSigned = sequence;
            }

            expected = sequence + 1;
            previousHash = hash;
            LastSequence = sequence;
        }

        private bool CheckSignature(WalkCheckpoint checkpoint)
        {
            CheckpointsChecked++;
            if (!AuditEncoding.VerifyCheckpoint(checkpoint.Checkpoint, key, fingerprint))
            {
                Report(AuditBreak.BadCheckpointSignature, checkpoint.Checkpoint.Sequence, $"the checkpoint at {checkpoint.Checkpoint.Sequence} {checkpoint.Source} is not signed by this key");
                return false;
            }

            LastCheckpointedSequence = checkpoint.Checkpoint.Sequence;
            return true;
        }

        private void Report(AuditBreak kind, long sequence, string detail, AuditRecord? suspect = null)
        {
            if (FirstBreak?.Sequence is not { } first || sequence < first)
            {
                FirstBreak = new Found(kind, sequence, detail, suspect);
            }
        }
    }
}
