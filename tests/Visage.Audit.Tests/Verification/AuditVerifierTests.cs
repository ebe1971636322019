using System.Security.Cryptography;
using Visage.Storage;
using Visage.Storage.Tests;

namespace Visage.Audit.Tests;

/// <summary>
/// Each test edits a 250-record chain with raw SQL, as a hostile database administrator could, and asserts that
/// verify names the first broken sequence and the kind of break. Checkpoints fall at 100, 200 and 250.
/// </summary>
public abstract class AuditVerifierTests : AuditContractTests
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await using var chain = await Harness.OpenChainAsync(new AuditChainOptions { CheckpointEveryRecords = 100 });
        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(Enumerable.Range(round * 50, 50).Select(i => chain.AppendAsync(AuditHarness.Entry(i, subject: $"s-{i % 7}"))));
        }
    }

    [Fact]
    public async Task Verify_UntouchedChain_Intact()
    {
        var result = await Harness.VerifyAsync();

        Assert.Equal(new AuditVerification(250, 3, 250, 250, null, null), result);
        Assert.Equal([100L, 200L, 250L], await CheckpointSequencesAsync());
    }

    [Fact]
    public async Task Verify_FieldUpdated_Modified()
    {
        await Harness.ExecuteAsync("UPDATE audit_records SET outcome = 'denied' WHERE sequence = 120;");

        await AssertBreakAsync(120, AuditBreak.Modified);
    }

    [Fact]
    public async Task Verify_MiddleRecordDeleted_Deleted()
    {
        await Harness.ExecuteAsync("DELETE FROM audit_records WHERE sequence = 120;");

        await AssertBreakAsync(120, AuditBreak.Deleted);
    }

    [Fact]
    public async Task Verify_ForgedRecordAppendedWithoutLink_Inserted()
    {
        var forged = AuditRecord.Seal(AuditHarness.Entry(999), 251, DateTimeOffset.UtcNow, RandomNumberGenerator.GetBytes(32));
        await Harness.InsertRawAsync(forged);

        await AssertBreakAsync(251, AuditBreak.Inserted);
    }

    [Fact]
    public async Task Verify_MiddleRecordReplacedByForgery_Inserted()
    {
        await Harness.ExecuteAsync("DELETE FROM audit_records WHERE sequence = 120;");
        await Harness.InsertRawAsync(AuditRecord.Seal(AuditHarness.Entry(999), 120, DateTimeOffset.UtcNow, RandomNumberGenerator.GetBytes(32)));

        await AssertBreakAsync(120, AuditBreak.Inserted);
    }

    [Fact]
    public async Task Verify_CorrectlyLinkedForgeryAfterLastCheckpoint_IntactButUncheckpointed()
    {
        // The limit of any hash chain: a forger who links to the tail goes unnoticed until a checkpoint would have
        // signed that tail. Verify says so by reporting the unsigned records.
        var tail = await Harness.ReadRecordAsync(250);
        await Harness.InsertRawAsync(AuditRecord.Seal(AuditHarness.Entry(999), 251, DateTimeOffset.UtcNow, tail.Hash));

        var result = await Harness.VerifyAsync();

        Assert.True(result.IsIntact);
        Assert.Equal((251L, 250L, 1L), (result.LastSequence, result.LastCheckpointedSequence, result.UncheckpointedRecords));
    }

    [Theory]
    [InlineData(120, 130)]
    [InlineData(120, 121)]
    public async Task Verify_TwoRecordsSequencesSwapped_Reordered(long first, long second)
    {
        await Harness.ExecuteAsync($"UPDATE audit_records SET sequence = -1 WHERE sequence = {first};");
        await Harness.ExecuteAsync($"UPDATE audit_records SET sequence = {first} WHERE sequence = {second};");
        await Harness.ExecuteAsync($"UPDATE audit_records SET sequence = {second} WHERE sequence = -1;");

        await AssertBreakAsync(first, AuditBreak.Reordered);
    }

    [Fact]
    public async Task Verify_TailDeletedBelowLastCheckpoint_TruncatedAfterCheckpoint()
    {
        await Harness.ExecuteAsync("DELETE FROM audit_records WHERE sequence > 240;");

        var result = await AssertBreakAsync(241, AuditBreak.TruncatedAfterCheckpoint);
        Assert.Equal((240L, 250L), (result.LastSequence, result.LastCheckpointedSequence));
    }

    [Fact]
    public async Task Verify_CheckpointSignatureForged_BadCheckpointSignature()
    {
        await Harness.ExecuteAsync("UPDATE audit_checkpoints SET signature = @sig WHERE sequence = 200;", c => c.AddBytes("@sig", RandomNumberGenerator.GetBytes(64)));

        await AssertBreakAsync(200, AuditBreak.BadCheckpointSignature);
    }

    [Fact]
    public async Task Verify_CheckpointSignedByAnotherKey_BadCheckpointSignature()
    {
        var result = await AuditVerifier.VerifyAsync(Harness.Database, ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfo());

        Assert.Equal((100L, AuditBreak.BadCheckpointSignature), (result.FirstBrokenSequence, result.Break));
    }

    [Fact]
    public async Task Verify_StretchRewrittenWithRecomputedHashes_ModifiedAtTheNextCheckpoint()
    {
        // Without the signing key, the best a forger can do is rewrite and rehash everything from the edit on.
        var previous = (await Harness.ReadRecordAsync(149)).Hash;
        for (var sequence = 150L; sequence <= 250; sequence++)
        {
            var original = await Harness.ReadRecordAsync(sequence);
            var forged = AuditRecord.Seal(AuditHarness.Entry((int)sequence) with { Outcome = sequence == 150 ? "denied" : original.Outcome }, sequence, original.TimeUtc, previous);
            await Harness.ExecuteAsync($"DELETE FROM audit_records WHERE sequence = {sequence};");
            await Harness.InsertRawAsync(forged);
            previous = forged.Hash;
        }

        await AssertBreakAsync(200, AuditBreak.Modified);
    }

    private async Task<AuditVerification> AssertBreakAsync(long sequence, AuditBreak kind)
    {
        var result = await Harness.VerifyAsync();
        Assert.Equal((sequence, kind), (result.FirstBrokenSequence, result.Break));
        return result;
    }

    private async Task<List<long>> CheckpointSequencesAsync()
    {
        await using var connection = await Harness.Database.OpenAsync();
        return [.. (await AuditTable.ReadCheckpointsAsync(connection, CancellationToken.None)).Select(c => c.Sequence)];
    }
}

public sealed class SqliteAuditVerifierTests : AuditVerifierTests
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenSqliteAsync(directory);
}

[Collection("postgres")]
public sealed class PostgresAuditVerifierTests(PostgresCluster cluster) : AuditVerifierTests
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenPostgresAsync(cluster);
}
