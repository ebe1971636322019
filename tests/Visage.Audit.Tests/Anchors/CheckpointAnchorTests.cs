using System.Security.Cryptography;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;

namespace Visage.Audit.Tests;

/// <summary>
/// The anchor file every chain writes by default catches what the database alone cannot: a tail deleted with its
/// checkpoints, an emptied table, deleted checkpoints. Each chain here is 45 records with checkpoints at 10, 20, 30,
/// 40 and 45 (shutdown), anchored in the harness's anchor file.
/// </summary>
public abstract class CheckpointAnchorTests : AuditContractTests
{
    [Fact]
    public async Task Verify_TailDeletedWithItsCheckpoints_TruncatedAfterCheckpointOnlyWithTheAnchors()
    {
        await WriteChainAsync();
        Assert.Equal([10L, 20, 30, 40, 45], CheckpointAnchorFile.Read(Harness.AnchorPath).Select(c => c.Sequence));
        Assert.True((await Harness.VerifyAnchoredAsync()).IsIntact);

        // A hostile administrator removes the last 20 records and every checkpoint that vouched for them.
        await Harness.ExecuteAsync("DELETE FROM audit_records WHERE sequence > 25;");
        await Harness.ExecuteAsync("DELETE FROM audit_checkpoints WHERE sequence > 25;");

        Assert.True((await Harness.VerifyAsync()).IsIntact); // the gap the anchors close
        var verification = await Harness.VerifyAnchoredAsync();
        Assert.Equal((AuditBreak.TruncatedAfterCheckpoint, 26L), (verification.Break, verification.FirstBrokenSequence));
        Assert.Equal("the chain ends at 25, but the signed checkpoint in the anchor file vouches for 30", verification.Detail);
    }

    [Fact]
    public async Task Verify_EveryRecordAndCheckpointDeleted_Wiped()
    {
        await WriteChainAsync();
        await Harness.ExecuteAsync("DELETE FROM audit_records;");
        await Harness.ExecuteAsync("DELETE FROM audit_checkpoints;");

        Assert.True((await Harness.VerifyAsync()).IsIntact); // an empty database is a valid empty chain
        var verification = await Harness.VerifyAnchoredAsync();
        Assert.Equal((AuditBreak.Wiped, 1L, 0L), (verification.Break, verification.FirstBrokenSequence, verification.RecordsChecked));
    }

    [Fact]
    public async Task Verify_WipedThenTheWriterCarriesOn_StillBroken()
    {
        await WriteChainAsync();
        await Harness.ExecuteAsync("DELETE FROM audit_records; DELETE FROM audit_checkpoints;");
        await WriteChainAsync(records: 12);

        // The new history is signed too, but the anchor file still holds the old one: the loss stays visible.
        var verification = await Harness.VerifyAnchoredAsync();
        Assert.Equal((AuditBreak.Modified, 10L), (verification.Break, verification.FirstBrokenSequence));
        Assert.Equal("the chain up to 10 differs from the signed checkpoint in the anchor file", verification.Detail);
    }

    [Theory]
    [InlineData("DELETE FROM audit_checkpoints;", 10)]
    [InlineData("DELETE FROM audit_checkpoints WHERE sequence = 45;", 45)]
    public async Task Verify_CheckpointsOnlyDeleted_MissingCheckpoints(string sql, long first)
    {
        await WriteChainAsync();
        await Harness.ExecuteAsync(sql);

        // Fewer unsigned records than the cadence: the database alone cannot tell; the anchor file can.
        Assert.True((await Harness.VerifyAsync()).IsIntact);
        var verification = await Harness.VerifyAnchoredAsync();
        Assert.Equal((AuditBreak.MissingCheckpoints, first), (verification.Break, verification.FirstBrokenSequence));
        Assert.Equal($"the anchor file holds the signed checkpoint at {first}, the database does not", verification.Detail);
    }

    [Fact]
    public async Task OpenAsync_NewAnchorFileOverASignedChain_StartsWithTheNewestCheckpoint()
    {
        await WriteChainAsync();
        File.Delete(Harness.AnchorPath);

        await using (var chain = await Harness.OpenChainAsync())
        {
            Assert.Equal(Harness.AnchorPath, chain.AnchorFile);
        }

        // Never an empty anchor file over a database that holds checkpoints (verify refuses that combination).
        Assert.Equal([45L], CheckpointAnchorFile.Read(Harness.AnchorPath).Select(c => c.Sequence));
    }

    [Fact]
    public async Task OpenAsync_DamagedAnchorFile_RefusedAndLeftForInspection()
    {
        await WriteChainAsync();
        var junk = RandomNumberGenerator.GetBytes(300);
        await File.WriteAllBytesAsync(Harness.AnchorPath, junk);

        var refused = await Assert.ThrowsAsync<CheckpointAnchorFileException>(() => Harness.OpenChainAsync());

        Assert.Contains(Harness.AnchorPath, refused.Message, StringComparison.Ordinal);
        Assert.Equal(junk, await File.ReadAllBytesAsync(Harness.AnchorPath));
        // The role lock was released: with the file moved aside, a writer opens again.
        File.Move(Harness.AnchorPath, Harness.AnchorPath + ".damaged");
        await using var chain = await Harness.OpenChainAsync();
        Assert.Equal(45, chain.LastSequence);
    }

    [Fact]
    public void Read_RandomBytesEmptyOrNotALine_RefusedOrEmpty()
    {
        var path = AnchorPath();
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(4096));
        Assert.Throws<CheckpointAnchorFileException>(() => CheckpointAnchorFile.Read(path));
        File.WriteAllText(path, new string('A', 10_000));
        Assert.Contains("longer than any checkpoint line", Assert.Throws<CheckpointAnchorFileException>(() => CheckpointAnchorFile.Read(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, "\n");
        Assert.Contains("line 1 is not a checkpoint", Assert.Throws<CheckpointAnchorFileException>(() => CheckpointAnchorFile.Read(path)).Message, StringComparison.Ordinal);

        // Empty reads as no checkpoints: whether that is acceptable depends on the database (verify decides).
        File.WriteAllBytes(path, []);
        Assert.Empty(CheckpointAnchorFile.Read(path));
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
    public void Read_LastLineCutShort_RefusedButTheWriterRepairsIt()
    {
        var path = AnchorPath();
        var checkpoint = new AuditCheckpoint(7, new byte[32], 7, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), new byte[32], new byte[64]);
        using (var anchors = new CheckpointAnchorFile(path))
        {
            anchors.Publish(checkpoint);
        }

        File.AppendAllText(path, "v1 8 8 17000");
        var torn = Assert.Throws<CheckpointAnchorFileException>(() => CheckpointAnchorFile.Read(path));
        Assert.Contains("line 2 is incomplete", torn.Message, StringComparison.Ordinal);

        // What a power failure mid-append can leave: the start of a line, then zeros. Verify refuses it; the writer,
        // which alone appends, removes the line that never completed.
        File.AppendAllText(path, "\0\0\0");
        Assert.Throws<CheckpointAnchorFileException>(() => CheckpointAnchorFile.Read(path));

        using (var reopened = new CheckpointAnchorFile(path))
        {
            Assert.Equal([7L], reopened.Existing.Select(c => c.Sequence));
            reopened.Publish(checkpoint with { Sequence = 9, RecordCount = 9 });
        }

        var read = CheckpointAnchorFile.Read(path);
        Assert.Equal([(7L, 7L), (9L, 9L)], read.Select(c => (c.Sequence, c.RecordCount)));
        Assert.Equal(checkpoint.TimeUtc, read[0].TimeUtc);
    }

    [Fact]
    public void Read_EditedLine_RefusedWithItsNumber()
    {
        var path = AnchorPath();
        using (var anchors = new CheckpointAnchorFile(path))
        {
            anchors.Publish(new AuditCheckpoint(7, new byte[32], 7, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), new byte[32], new byte[64]));
        }

        File.WriteAllText(path, File.ReadAllText(path).Replace("v1 7 7", "v1 7 x", StringComparison.Ordinal));

        var refused = Assert.Throws<CheckpointAnchorFileException>(() => CheckpointAnchorFile.Read(path));
        Assert.Contains("line 1 is not a checkpoint", refused.Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointAnchorFileException>(() => new CheckpointAnchorFile(path));
    }

    private string AnchorPath() => Path.Combine(Harness.DirectoryPath, $"anchors-{Guid.NewGuid():N}.txt");

    private async Task WriteChainAsync(int records = 45)
    {
        await using var chain = await Harness.OpenChainAsync(new AuditChainOptions { CheckpointEveryRecords = 10 });
        for (var i = 0; i < records; i++)
        {
            await chain.AppendAsync(AuditHarness.Entry(i));
        }
    }

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
                new AuditEntry(original.Actor, original.ActorRole, original.Action, PurposeCodes.TryParse(original.Purpose, out var purpose) ? purpose : Purposes.CheckIn, original.Subject, "forged", original.Reason, original.ModelVersion, original.CorrelationId, original.ClientAddressHash),
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
    [Fact]
    public async Task OpenAsync_NothingConfigured_AnchorsBesideTheDatabase()
    {
        await using (var chain = await AuditChain.OpenAsync(Harness.Database, Harness.Keys))
        {
            await chain.AppendAsync(AuditHarness.Entry(1));
            Assert.Equal(((SqliteDatabase)Harness.Database).FilePath + ".audit-anchors", chain.AnchorFile);
        }

        Assert.Equal([1L], CheckpointAnchorFile.Read(Harness.AnchorPath).Select(c => c.Sequence));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Open_NewDirectoryOrLooseFile_OwnerOnly()
    {
        var directory = Path.Combine(Harness.DirectoryPath, "anchors", "nested");
        var path = Path.Combine(directory, "visage.audit-anchors");
        using (new CheckpointAnchorFile(path))
        {
        }

        var loose = Path.Combine(Harness.DirectoryPath, "loose.audit-anchors");
        File.WriteAllText(loose, "");
        File.SetUnixFileMode(loose, (UnixFileMode)0b110_100_100); // 0644, as a permissive umask would leave it
        using (new CheckpointAnchorFile(loose))
        {
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(loose));
    }

    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenSqliteAsync(directory);
}

[Collection("postgres")]
public sealed class PostgresCheckpointAnchorTests(PostgresCluster cluster) : CheckpointAnchorTests
{
    [Fact]
    public async Task For_Postgres_InTheDataDirectoryOneFilePerDatabase()
    {
        await using var other = new PostgresDatabase(await cluster.CreateDatabaseAsync());

        var path = CheckpointAnchorLocation.For(Harness.Database, "/srv/visage");
        var otherPath = CheckpointAnchorLocation.For(other, "/srv/visage");

        Assert.Matches(@"^/srv/visage/postgres-[0-9a-f]{16}\.audit-anchors$", path);
        Assert.NotEqual(path, otherPath);
    }

    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenPostgresAsync(cluster);
}
