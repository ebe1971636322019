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
    /// <summary>The table rebuilt without its declared types and constraints, as an administrator could, so NULLs and any value go in.</summary>
    private const string LooseSqlite =
        "CREATE TABLE audit_records_loose AS SELECT * FROM audit_records; DROP TABLE audit_records; ALTER TABLE audit_records_loose RENAME TO audit_records; ";

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

        Assert.Equal(new AuditVerification(250, 3, 250, 250, null, null) { StoredCheckpoints = 3 }, result);
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

    [Fact]
    public async Task Verify_OneCheckpointDeleted_MissingCheckpointsFromTheDatabaseAlone()
    {
        // The writer never leaves more than its cadence unsigned, so a longer stretch is deleted checkpoints.
        await Harness.ExecuteAsync("DELETE FROM audit_checkpoints WHERE sequence = 200;");

        var result = await Harness.VerifyAsync(checkpointEveryRecords: 100);

        Assert.Equal((200L, AuditBreak.MissingCheckpoints), (result.FirstBrokenSequence, result.Break));
        Assert.Contains("no signed checkpoint for records 101 to 200", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EveryCheckpointDeleted_MissingCheckpointsAtTheFirstDue()
    {
        await Harness.ExecuteAsync("DELETE FROM audit_checkpoints;");

        var result = await Harness.VerifyAsync(checkpointEveryRecords: 100);

        Assert.Equal((100L, AuditBreak.MissingCheckpoints), (result.FirstBrokenSequence, result.Break));
        // The stated limit: within one cadence of unsigned records the database alone cannot tell (the anchor file can).
        Assert.True((await Harness.VerifyAsync(checkpointEveryRecords: 1000)).IsIntact);
    }

    /// <summary>
    /// Rows damaged as a database administrator could (SQLite columns take any type; PostgreSQL needs its schema
    /// altered first): each is reported as Malformed with the column, never a crash.
    /// </summary>
    public static TheoryData<string, string, long?, string, string, long?> DamagedRows => new()
    {
        // The hostile tester's own edit, on every row.
        { "UPDATE audit_records SET hash = 'abc';", "record 1: hash is not bytes", 1, "UPDATE audit_records SET hash = 'abc';", "record 1: hash is not 32 bytes long", 1 },
        { "UPDATE audit_records SET prev_hash = x'0102' WHERE sequence = 120;", "record 120: prev_hash is not 32 bytes long", 120, "UPDATE audit_records SET prev_hash = '\\x0102'::bytea WHERE sequence = 120;", "record 120: prev_hash is not 32 bytes long", 120 },
        { LooseSqlite + "UPDATE audit_records SET actor = NULL WHERE sequence = 120;", "record 120: actor is NULL", 120, "ALTER TABLE audit_records ALTER COLUMN actor DROP NOT NULL; UPDATE audit_records SET actor = NULL WHERE sequence = 120;", "record 120: actor is NULL", 120 },
        { "UPDATE audit_records SET actor = x'00' WHERE sequence = 120;", "record 120: actor is not text", 120, "ALTER TABLE audit_records ALTER COLUMN actor TYPE bytea USING convert_to(actor, 'UTF8');", "record 1: actor is not text", 1 },
        { "UPDATE audit_records SET time_ms = 'abc' WHERE sequence = 120;", "record 120: time_ms is not an integer", 120, "ALTER TABLE audit_records ALTER COLUMN time_ms TYPE text; UPDATE audit_records SET time_ms = 'abc' WHERE sequence = 120;", "record 1: time_ms is not an integer", 1 },
        { LooseSqlite + "UPDATE audit_records SET sequence = 'x' WHERE sequence = 120;", "a row sequence is not an integer", 120, "ALTER TABLE audit_records ALTER COLUMN sequence TYPE text; UPDATE audit_records SET sequence = 'x' WHERE sequence = '120';", "a row sequence is not an integer", 1 },
        { "UPDATE audit_checkpoints SET signature = 'abc' WHERE sequence = 200;", "checkpoint 200: signature is not bytes", 200, "ALTER TABLE audit_checkpoints ALTER COLUMN signature DROP NOT NULL; UPDATE audit_checkpoints SET signature = NULL WHERE sequence = 200;", "checkpoint 200: signature is NULL", 200 },
        { "UPDATE audit_checkpoints SET record_count = 'many' WHERE sequence = 100;", "checkpoint 100: record_count is not an integer", 100, "ALTER TABLE audit_checkpoints ALTER COLUMN record_count TYPE text; UPDATE audit_checkpoints SET record_count = 'many' WHERE sequence = 100;", "checkpoint 100: record_count is not an integer", 100 },
    };

    [Theory]
    [MemberData(nameof(DamagedRows))]
    public async Task Verify_DamagedRow_MalformedWithTheColumn(string sqlite, string sqliteDetail, long? sqliteSequence, string postgres, string postgresDetail, long? postgresSequence)
    {
        var isSqlite = Harness.Database.Provider == StorageProvider.Sqlite;
        await Harness.ExecuteAsync(isSqlite ? sqlite : postgres);

        var result = await Harness.VerifyAsync();

        Assert.Equal(
            (AuditBreak.Malformed, isSqlite ? sqliteSequence : postgresSequence, isSqlite ? sqliteDetail : postgresDetail),
            (result.Break!.Value, result.FirstBrokenSequence, result.Detail!));
    }

    [Theory]
    [InlineData("DROP TABLE audit_records;", AuditBreak.TableMissing, "the audit_records table does not exist")]
    [InlineData("DROP TABLE audit_checkpoints;", AuditBreak.TableMissing, "the audit_checkpoints table does not exist")]
    [InlineData("ALTER TABLE audit_records DROP COLUMN hash;", AuditBreak.Malformed, "the audit_records table has no hash column")]
    public async Task Verify_TableOrColumnDropped_ReportedAsSuch(string sql, AuditBreak kind, string detail)
    {
        await Harness.ExecuteAsync(sql);

        var result = await Harness.VerifyAsync();

        Assert.Equal((kind, (long?)null, detail), (result.Break!.Value, result.FirstBrokenSequence, result.Detail!));
        Assert.False(result.IsIntact);
    }

    [Fact]
    public async Task QueriesAndWriter_DamagedRow_TypedErrorNamingTheColumn()
    {
        await Harness.ExecuteAsync("UPDATE audit_records SET hash = 'abc' WHERE sequence = 250;");

        var query = await Assert.ThrowsAsync<AuditDataException>(() => new AuditQueries(Harness.Database).ByActionAsync("template.read", afterSequence: 240));
        var writer = await Assert.ThrowsAsync<AuditDataException>(() => Harness.OpenChainAsync());

        Assert.StartsWith("The audit record at sequence 250 is damaged (hash is not", query.Message, StringComparison.Ordinal);
        Assert.Equal(query.Message, writer.Message);
        // The writer's role lock was given back: once repaired, a writer opens.
        await Harness.ExecuteAsync("DELETE FROM audit_records WHERE sequence = 250;");
        await using var reopened = await Harness.OpenChainAsync();
        Assert.Equal(249, reopened.LastSequence);
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
        return [.. (await AuditTable.ReadCheckpointsAsync(connection, CancellationToken.None)).Checkpoints.Select(c => c.Sequence)];
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
