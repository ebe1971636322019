using System.Diagnostics;
using Visage.Storage;
using Visage.Storage.Tests;
using Xunit.Abstractions;

namespace Visage.Audit.Tests;

/// <summary>Appending, group commit and checkpoints, run against SQLite and PostgreSQL.</summary>
public abstract class AuditChainTests(ITestOutputHelper output) : AuditContractTests
{
    [Fact]
    public async Task AppendAsync_EightConcurrentWriters_GaplessChainThatVerifies()
    {
        const int Writers = 8;
        const int PerWriter = 500;
        var clock = Stopwatch.StartNew();
        var results = new List<AuditRecord>[Writers];
        await using (var chain = await Harness.OpenChainAsync())
        {
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                results[w] = [];
                for (var i = 0; i < PerWriter; i++)
                {
                    results[w].Add(await chain.AppendAsync(AuditHarness.Entry(i, subject: $"s-{w}", actor: $"a-{w}")));
                }
            })));
        }

        var elapsed = clock.Elapsed;
        var verifyClock = Stopwatch.StartNew();
        var verification = await Harness.VerifyAsync();
        output.WriteLine($"{GetType().Name}: {Writers * PerWriter / elapsed.TotalSeconds:F0} appends/s ({Writers} writers, each awaiting every append); verify {verification.RecordsChecked / verifyClock.Elapsed.TotalSeconds:F0} records/s");

        Assert.All(results, r => Assert.True(r.Zip(r.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence)));
        Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(i => (long)i), results.SelectMany(r => r).Select(r => r.Sequence).Order());
        Assert.Equal(Writers * PerWriter, await Harness.ScalarAsync("SELECT count(*) FROM audit_records;"));
        Assert.True(verification.IsIntact, $"{verification.Break} at {verification.FirstBrokenSequence}");
        Assert.Equal((4000L, 4000L, 4000L, 0L), (verification.RecordsChecked, verification.LastSequence, verification.LastCheckpointedSequence ?? 0, verification.UncheckpointedRecords));
        Assert.True(verification.CheckpointsChecked >= 4, $"{verification.CheckpointsChecked} checkpoints");
    }

    [Fact]
    public async Task OpenAsync_SecondWriterOnTheSameDatabase_IsRefusedUntilTheFirstCloses()
    {
        await using (var first = await Harness.OpenChainAsync())
        {
            await first.AppendAsync(AuditHarness.Entry(1));
            var refused = await Assert.ThrowsAsync<ExclusiveRoleTakenException>(() => Harness.OpenChainAsync());
            Assert.Contains("only one may be", refused.Message, StringComparison.Ordinal);
            await first.AppendAsync(AuditHarness.Entry(2));
        }

        await using (var second = await Harness.OpenChainAsync())
        {
            Assert.Equal(3, (await second.AppendAsync(AuditHarness.Entry(3))).Sequence);
        }

        Assert.True((await Harness.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task OpenAsync_ExistingChain_ContinuesFromTheLastRecord()
    {
        await using (var first = await Harness.OpenChainAsync())
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(i => first.AppendAsync(AuditHarness.Entry(i))));
        }

        await using (var second = await Harness.OpenChainAsync())
        {
            Assert.Equal(10, second.LastSequence);
            var next = await second.AppendAsync(AuditHarness.Entry(10));
            Assert.Equal(11, next.Sequence);
            Assert.Equal((await Harness.ReadRecordAsync(10)).Hash, next.PreviousHash);
        }

        var verification = await Harness.VerifyAsync();
        Assert.True(verification.IsIntact);
        Assert.Equal((11L, 2L), (verification.RecordsChecked, verification.CheckpointsChecked));
    }

    [Fact]
    public async Task AppendAsync_ReturnsTheRecordAsStored()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 30, 0, 123, TimeSpan.Zero));
        await using var chain = await Harness.OpenChainAsync(new AuditChainOptions { TimeProvider = clock });

        var first = await chain.AppendAsync(AuditHarness.Entry(1, subject: "subject-1"));
        clock.Now = clock.Now.AddMinutes(-5);
        var second = await chain.AppendAsync(AuditHarness.Entry(2));

        var stored = await Harness.ReadRecordAsync(1);
        Assert.Equal(
            (first.Sequence, first.TimeUtc, first.Subject, first.Reason, first.ModelVersion, first.CorrelationId),
            (stored.Sequence, stored.TimeUtc, stored.Subject, stored.Reason, stored.ModelVersion, stored.CorrelationId));
        Assert.Equal(first.Hash, stored.Hash);
        Assert.Equal(new byte[32], first.PreviousHash);
        Assert.Equal(clock.Now.AddMinutes(5), first.TimeUtc);
        Assert.Equal(first.TimeUtc, second.TimeUtc); // A clock stepping back does not make time run backwards in the chain.
    }

    [Fact]
    public async Task CheckpointInterval_Elapsed_SignsAndAnchorsWithoutNewAppends()
    {
        await using var chain = await Harness.OpenChainAsync(new AuditChainOptions { CheckpointInterval = TimeSpan.FromMilliseconds(200) });
        await chain.AppendAsync(AuditHarness.Entry(1));

        // Polls (no timing assert): the checkpoint must come from the timer, since nothing else is appended and the chain stays open.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await Harness.ScalarAsync("SELECT count(*) FROM audit_checkpoints;") == 0 || CheckpointAnchorFile.Read(Harness.AnchorPath).Count == 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(1, await Harness.ScalarAsync("SELECT count(*) FROM audit_checkpoints WHERE sequence = 1;"));
        Assert.Equal([1L], CheckpointAnchorFile.Read(Harness.AnchorPath).Select(c => c.Sequence));
    }

    [Fact]
    public async Task DisposeAsync_UnsignedTail_SignedInTheDatabaseAndTheAnchorFile()
    {
        await using (var chain = await Harness.OpenChainAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                await chain.AppendAsync(AuditHarness.Entry(i));
            }

            Assert.Equal(0, await Harness.ScalarAsync("SELECT count(*) FROM audit_checkpoints;"));
        }

        Assert.Equal(3, await Harness.ScalarAsync("SELECT max(sequence) FROM audit_checkpoints;"));
        Assert.Equal([3L], CheckpointAnchorFile.Read(Harness.AnchorPath).Select(c => c.Sequence));
        Assert.True((await Harness.VerifyAnchoredAsync()).IsIntact);
    }

    [Fact]
    public async Task AppendAsync_BatchesLongerThanTheCadence_CheckpointAtEveryCadenceRecord()
    {
        // 95 appends queued at once land in one or a few large batches; checkpoints still fall at every 10th record.
        await using (var chain = await Harness.OpenChainAsync(new AuditChainOptions { CheckpointEveryRecords = 10 }))
        {
            await Task.WhenAll(Enumerable.Range(0, 95).Select(i => chain.AppendAsync(AuditHarness.Entry(i))));
        }

        long[] expected = [10, 20, 30, 40, 50, 60, 70, 80, 90, 95];
        await using (var connection = await Harness.Database.OpenAsync())
        {
            Assert.Equal(expected, (await AuditTable.ReadCheckpointsAsync(connection, CancellationToken.None)).Checkpoints.Select(c => c.Sequence));
        }

        Assert.Equal(expected, CheckpointAnchorFile.Read(Harness.AnchorPath).Select(c => c.Sequence));
        Assert.True((await Harness.VerifyAnchoredAsync(checkpointEveryRecords: 10)).IsIntact);
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_Throws()
    {
        var chain = await Harness.OpenChainAsync();
        await chain.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => { _ = chain.AppendAsync(AuditHarness.Entry(1)); });
    }
}

public sealed class SqliteAuditChainTests(ITestOutputHelper output) : AuditChainTests(output)
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenSqliteAsync(directory);
}

[Collection("postgres")]
public sealed class PostgresAuditChainTests(PostgresCluster cluster, ITestOutputHelper output) : AuditChainTests(output)
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenPostgresAsync(cluster);
}
