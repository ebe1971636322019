using System.Data.Common;
using System.Security.Cryptography;
using Visage.Storage;

namespace Visage.Audit;

/// <summary>
/// Checks the whole chain: streams records in sequence order, recomputes every hash, follows every previous-hash
/// link and the sequence numbering, and checks every checkpoint's signature, hash and count. Reports the first
/// break (the lowest sequence) and its kind.
/// </summary>
public static class AuditVerifier
{
    /// <param name="publicKey">The signing key's DER SubjectPublicKeyInfo (<c>IKeyProvider.ExportSigningPublicKey</c>), obtained out of band, not from the database.</param>
    /// <param name="anchors">
    /// Checkpoints kept outside the database (<see cref="CheckpointAnchorFile"/>); each must be signed and hold for the
    /// database's chain too, so a tail deleted together with its checkpoints is found.
    /// </param>
    public static async Task<AuditVerification> VerifyAsync(VisageDatabase database, byte[] publicKey, CancellationToken cancellationToken = default) =>
        await VerifyAsync(database, publicKey, [], cancellationToken);

    /// <inheritdoc cref="VerifyAsync(VisageDatabase, byte[], CancellationToken)"/>
    public static async Task<AuditVerification> VerifyAsync(VisageDatabase database, byte[] publicKey, IReadOnlyList<AuditCheckpoint> anchors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(publicKey);
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(publicKey, out _);
        var fingerprint = AuditEncoding.KeyFingerprint(publicKey);

        await using var connection = await database.OpenAsync(cancellationToken);
        var checkpoints = Merge(await AuditTable.ReadCheckpointsAsync(connection, cancellationToken), anchors);
        var state = new ChainWalk(checkpoints, key, fingerprint);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {AuditTable.RecordColumns} FROM audit_records ORDER BY sequence;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                state.Visit(AuditTable.ReadRecord(reader));
            }
        }

        state.Finish();
        var (kind, sequence) = state.FirstBreak ?? default;
        if (state.Suspect is { } suspect)
        {
            kind = await ClassifyAsync(connection, suspect, kind, cancellationToken);
        }

        return new AuditVerification(
            state.RecordsChecked, state.CheckpointsChecked, state.LastSequence, state.LastCheckpointedSequence,
            state.FirstBreak is null ? null : sequence, state.FirstBreak is null ? null : kind);
    }

    /// <summary>
    /// The database's checkpoints plus every anchor it lacks, in sequence order. An anchor that differs from the
    /// database's checkpoint at the same sequence is kept too: both are checked against the record there.
    /// </summary>
    private static List<AuditCheckpoint> Merge(List<AuditCheckpoint> stored, IReadOnlyList<AuditCheckpoint> anchors)
    {
        if (anchors.Count == 0)
        {
            return stored;
        }

        var merged = new List<AuditCheckpoint>(stored);
        foreach (var anchor in anchors)
        {
            if (!stored.Exists(c => c.Sequence == anchor.Sequence && c.Signature.AsSpan().SequenceEqual(anchor.Signature)
                && c.Hash.AsSpan().SequenceEqual(anchor.Hash) && c.RecordCount == anchor.RecordCount && c.TimeUtc == anchor.TimeUtc))
            {
                merged.Add(anchor);
            }
        }

        merged.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return merged;
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
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The walk's state; breaks are met in ascending sequence order, so the first one kept is the lowest.</summary>
    private sealed class ChainWalk(List<AuditCheckpoint> checkpoints, ECDsa key, byte[] fingerprint)
    {
        private readonly byte[] computed = new byte[AuditEncoding.HashLength];
        private int nextCheckpoint;
        private long expected = 1;
        private byte[] previousHash = AuditEncoding.GenesisHash;

        public long RecordsChecked { get; private set; }

        public long CheckpointsChecked { get; private set; }

        public long LastSequence { get; private set; }

        public long? LastCheckpointedSequence { get; private set; }

        public (AuditBreak Kind, long Sequence)? FirstBreak { get; private set; }

        /// <summary>The record whose break needs a look at the rest of the table to classify.</summary>
        public AuditRecord? Suspect { get; private set; }

        public void Visit(AuditRecord record)
        {
            if (record.Sequence != expected)
            {
                // ORDER BY on the primary key: a different number can only be a higher one.
                Report(AuditBreak.Deleted, expected);
            }

            // Checkpoints whose record is missing (their signatures still count).
            while (nextCheckpoint < checkpoints.Count && checkpoints[nextCheckpoint].Sequence < record.Sequence)
            {
                CheckSignature(checkpoints[nextCheckpoint++]);
            }

            RecordsChecked++;
            AuditEncoding.ComputeHash(record, record.Sequence, computed);
            var hashes = computed.AsSpan().SequenceEqual(record.Hash);
            var links = record.PreviousHash.AsSpan().SequenceEqual(previousHash);
            if (!hashes)
            {
                Report(AuditBreak.Modified, record.Sequence, suspect: record);
            }
            else if (!links)
            {
                Report(AuditBreak.Inserted, record.Sequence, suspect: record);
            }

            // Usually one; two when an anchor kept outside the database disagrees with the stored checkpoint.
            while (nextCheckpoint < checkpoints.Count && checkpoints[nextCheckpoint].Sequence == record.Sequence)
            {
                var checkpoint = checkpoints[nextCheckpoint++];
                if (CheckSignature(checkpoint) && !(checkpoint.Hash.AsSpan().SequenceEqual(record.Hash) && checkpoint.RecordCount == RecordsChecked))
                {
                    // Every record here hashes and links, yet the signed state differs: the stretch since the previous checkpoint was rewritten.
                    Report(AuditBreak.Modified, checkpoint.Sequence);
                }
            }

            expected = record.Sequence + 1;
            previousHash = record.Hash;
            LastSequence = record.Sequence;
        }

        public void Finish()
        {
            while (nextCheckpoint < checkpoints.Count)
            {
                if (CheckSignature(checkpoints[nextCheckpoint++]))
                {
                    Report(AuditBreak.TruncatedAfterCheckpoint, LastSequence + 1);
                }
            }
        }

        private bool CheckSignature(AuditCheckpoint checkpoint)
        {
            CheckpointsChecked++;
            var valid = checkpoint.Hash.Length == AuditEncoding.HashLength
                && checkpoint.KeyFingerprint.AsSpan().SequenceEqual(fingerprint)
                && key.VerifyData(
                    AuditEncoding.EncodeCheckpoint(checkpoint.Sequence, checkpoint.Hash, checkpoint.RecordCount, checkpoint.TimeUtc, checkpoint.KeyFingerprint),
                    checkpoint.Signature,
                    HashAlgorithmName.SHA256,
                    DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            if (!valid)
            {
                Report(AuditBreak.BadCheckpointSignature, checkpoint.Sequence);
                return false;
            }

            LastCheckpointedSequence = checkpoint.Sequence;
            return true;
        }

        private void Report(AuditBreak kind, long sequence, AuditRecord? suspect = null)
        {
            if (FirstBreak is null)
            {
                FirstBreak = (kind, sequence);
                Suspect = suspect;
            }
        }
    }
}
