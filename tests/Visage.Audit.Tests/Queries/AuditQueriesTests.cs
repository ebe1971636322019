using Visage.Storage;
using Visage.Storage.Tests;

namespace Visage.Audit.Tests;

/// <summary>Queries over a chain of 30 records, one per hour, run against SQLite and PostgreSQL.</summary>
public abstract class AuditQueriesTests : AuditContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var clock = new ManualTimeProvider(Start);
        await using var chain = await Harness.OpenChainAsync(new AuditChainOptions { TimeProvider = clock });
        for (var i = 0; i < 30; i++)
        {
            clock.Now = Start.AddHours(i);
            await chain.AppendAsync(AuditHarness.Entry(
                i,
                subject: i % 3 == 0 ? "subject-a" : "subject-b",
                actor: i < 10 ? "actor-1" : "actor-2",
                action: i % 2 == 0 ? "template.read" : "face.verify"));
        }
    }

    [Fact]
    public async Task BySubjectAsync_Paged_EveryRecordOnceInSequenceOrder()
    {
        var queries = new AuditQueries(Harness.Database);

        var first = await queries.BySubjectAsync("subject-a", limit: 4);
        var second = await queries.BySubjectAsync("subject-a", first.NextAfter!.Value, limit: 4);
        var third = await queries.BySubjectAsync("subject-a", second.NextAfter!.Value, limit: 4);

        Assert.Equal([1L, 4, 7, 10], first.Records.Select(r => r.Sequence));
        Assert.Equal([13L, 16, 19, 22], second.Records.Select(r => r.Sequence));
        Assert.Equal([25L, 28], third.Records.Select(r => r.Sequence));
        Assert.Null(third.NextAfter);
        Assert.All(first.Records.Concat(second.Records).Concat(third.Records), r => Assert.Equal("subject-a", r.Subject));
    }

    [Fact]
    public async Task ByActorAsync_ReturnsOnlyThatActor()
    {
        var page = await new AuditQueries(Harness.Database).ByActorAsync("actor-1", limit: 100);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), page.Records.Select(r => r.Sequence));
        Assert.Null(page.NextAfter);
    }

    [Fact]
    public async Task ByActionAsync_ExactPageSize_NoNextPage()
    {
        var page = await new AuditQueries(Harness.Database).ByActionAsync("face.verify", limit: 15);

        Assert.Equal(15, page.Records.Count);
        Assert.All(page.Records, r => Assert.Equal("face.verify", r.Action));
        Assert.Null(page.NextAfter);
    }

    [Fact]
    public async Task ByTimeRangeAsync_HalfOpenRange_Paged()
    {
        var queries = new AuditQueries(Harness.Database);

        var first = await queries.ByTimeRangeAsync(Start.AddHours(5), Start.AddHours(12), limit: 5);
        var second = await queries.ByTimeRangeAsync(Start.AddHours(5), Start.AddHours(12), first.NextAfter!.Value, limit: 5);

        Assert.Equal([6L, 7, 8, 9, 10], first.Records.Select(r => r.Sequence));
        Assert.Equal([11L, 12], second.Records.Select(r => r.Sequence));
        Assert.Equal(Start.AddHours(5), first.Records[0].TimeUtc);
        Assert.Null(second.NextAfter);
    }

    [Fact]
    public async Task BySubjectAsync_UnknownSubject_EmptyPage()
    {
        var page = await new AuditQueries(Harness.Database).BySubjectAsync("nobody");

        Assert.Equal((0, (long?)null), (page.Records.Count, page.NextAfter));
    }
}

public sealed class SqliteAuditQueriesTests : AuditQueriesTests
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenSqliteAsync(directory);
}

[Collection("postgres")]
public sealed class PostgresAuditQueriesTests(PostgresCluster cluster) : AuditQueriesTests
{
    protected override Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory) => OpenPostgresAsync(cluster);
}
