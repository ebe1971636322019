using Visage.Storage;
using Visage.Storage.Tests;

namespace Visage.Audit.Tests;

/// <summary>Checkpoints copied outside the database catch what the database alone cannot: a tail deleted with its checkpoints.</summary>
public abstract class CheckpointAnchorTests : AuditContractTests
{
    [Fact]
    public async Task TailDeletedWithItsCheckpoints_OnlyTheAnchorsFindIt()
    {
        var path = AnchorPath();
        using (var anchors = new CheckpointAnchorFile(path))
        {
            await using var chain = await Harness.OpenChainAsync(new AuditChainOptions { CheckpointEveryRecords = 10, CheckpointSink = anchors });
            for (var i = 0; i < 45; i++)
            {
                await chain.AppendAsync(AuditHarness.Entry(i));
            }
        }

        var anchored = CheckpointAnchorFile.Read(path);
        Assert.Equal([10L, 20, 30, 40, 45], anchored.Select(c => c.Sequence));
        Assert.True((await AuditVerifier.VerifyAsync(Harness.Database, Harness.PublicKey, anchored)).IsIntact);

        // A hostile administrator removes the last 20 records and every checkpoint that vouched for them.
        await Harness.ExecuteAsync("DELETE FROM audit_records WHERE sequence > 25;");
        await Harness.ExecuteAsync("DELETE FROM audit_checkpoints WHERE sequence > 25;");

        Assert.True((await Harness.VerifyAsync()).IsIntact); // the gap the anchors close
        var verification = await AuditVerifier.VerifyAsync(Harness.Database, Harness.PublicKey, anchored);
        Assert.False(verification.IsIntact);
        Assert.Equal((AuditBreak.TruncatedAfterCheckpoint, 26L), (verification.Break, verification.FirstBrokenSequence));
    }

    [Fact]
    public async Task AnchorWithForgedSignatureOrRewrittenRecord_IsABreak()
    {
        var path = AnchorPath();
        using (var anchors = new CheckpointAnchorFile(path))
        {
            await using var chain = await Harness.OpenChainAsync(new AuditChainOptions { CheckpointEveryRecords = 5, CheckpointSink = anchors });
            for (var i = 0; i < 10; i++)
            {
                await chain.AppendAsync(AuditHarness.Entry(i));
            }
        }

        var anchored = CheckpointAnchorFile.Read(path);
        var forged = anchored.Select(c => c.Sequence == 5 ? c with { Signature = Flip(c.Signature) } : c).ToList();
        var badSignature = await AuditVerifier.VerifyAsync(Harness.Database, Harness.PublicKey, forged);
        Assert.Equal((AuditBreak.BadCheckpointSignature, 5L), (badSignature.Break, badSignature.FirstBrokenSequence));

        // The whole chain rewritten from record 3 with valid hashes and its stored checkpoints dropped: the anchor still holds the old state.
        await Harness.ExecuteAsync("DELETE FROM audit_checkpoints;");
        await using (var connection = await Harness.Database.OpenAsync())
        {
            await RewriteFromAsync(connection, 3);
        }

        Assert.True((await Harness.VerifyAsync()).IsIntact);
        var rewritten = await AuditVerifier.VerifyAsync(Harness.Database, Harness.PublicKey, anchored);
        Assert.False(rewritten.IsIntact);
        Assert.Equal(5L, rewritten.FirstBrokenSequence);
    }

    [Fact]
    public void Read_TornLastLineIgnored_EditedLineRefused()
    {
        var path = AnchorPath();
        var checkpoint = new AuditCheckpoint(7, new byte[32], 7, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), new byte[8], new byte[64]);
        using (var anchors = new CheckpointAnchorFile(path))
        {
            anchors.Publish(checkpoint);
        }

        File.AppendAllText(path, "v1 8 8 17000");
        var read = Assert.Single(CheckpointAnchorFile.Read(path));
        Assert.Equal((7L, 7L), (read.Sequence, read.RecordCount));
        Assert.Equal(checkpoint.TimeUtc, read.TimeUtc);

        File.WriteAllText(path, File.ReadAllText(path).Replace("v1 7 7", "v1 7 x", StringComparison.Ordinal));
        Assert.Throws<FormatException>(() => CheckpointAnchorFile.Read(path));
    }

    private string AnchorPath() => Path.Combine(Path.GetTempPath(), $"visage-anchors-{Guid.NewGuid():N}.txt");

    private static byte[] Flip(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[^1] ^= 0x01;
        return copy;
    }

    /// <summary>Re-seals records from <paramref name="from"/> on with a changed outcome, recomputing every hash and link.</summary>
    private async Task RewriteFromAsync(System.Data.Common.DbConnection connection, long from)
    {
        var previous = from == 1 ? AuditEncoding.GenesisHash : (await Harness.ReadRecordAsync(from - 1)).Hash;
        for (var sequence = from; sequence <= 10; sequence++)
        {
            var original = await Harness.ReadRecordAsync(sequence);
            var forged = AuditRecord.Seal(
                new AuditEntry(original.Actor, original.ActorRole, original.Action, original.Purpose, original.Subject, "forged", original.Reason, original.ModelVersion, original.CorrelationId, original.ClientAddressHash),
                sequence, original.TimeUtc, previous);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_records SET outcome = @outcome, prev_hash = @prev, hash = @hash WHERE sequence = @sequence;";
            command.AddText("@outcome", "forged");
            command.AddBytes("@prev", forged.PreviousHash);
            command.AddBytes("@hash", forged.Hash);
            command.AddInt64("@sequence", sequence);
            await command.ExecuteNonQueryAsync();
            previous = forged.Hash;
        }
    }
}

public sealed class SqliteCheckpointAnchorTests : CheckpointAnchorTests
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenSqliteAsync(directory);
}

[Collection("postgres")]
public sealed class PostgresCheckpointAnchorTests(PostgresCluster cluster) : CheckpointAnchorTests
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenPostgresAsync(cluster);
}
