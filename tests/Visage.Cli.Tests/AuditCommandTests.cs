using Microsoft.Data.Sqlite;
using Visage.Audit;
using Visage.Storage;

namespace Visage.Cli.Tests;

/// <summary><c>visage audit verify</c> on a real chain written to the data directory's database, then after a raw edit.</summary>
public sealed class AuditCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-audit-cli-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task Verify_IntactChain_ThenAnEditedRecord_ReportsSequenceAndKind()
    {
        await using (var store = await ProtectedStore.OpenAsync(new StorageOptions { DataDirectory = directory.FullName }))
        {
            await using var chain = await AuditChain.OpenAsync(store.Database, store.Keys, new AuditChainOptions { CheckpointEveryRecords = 10 });
            for (var i = 0; i < 25; i++)
            {
                await chain.AppendAsync(new AuditEntry("staff-1", "clerk", "identify", "check-in", $"subject-{i}", "success", null, "model@1", $"corr-{i}", null));
            }
        }

        var intact = await VisageProcess.RunAsync(directory.FullName, "audit", "verify");
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.FullName, "visage.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var edit = connection.CreateCommand();
            edit.CommandText = "UPDATE audit_records SET outcome = 'failure' WHERE sequence = 7;";
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }

        var broken = await VisageProcess.RunAsync(directory.FullName, "audit", "verify");

        Assert.True(intact.ExitCode == 0, intact.Output);
        Assert.Contains("intact", intact.Output, StringComparison.Ordinal);
        Assert.Matches(@"records checked\s+│ 25", intact.Output);
        Assert.Equal(10, broken.ExitCode);
        Assert.Contains("broken at sequence 7: Modified", broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WithAnchors_FindsATailDeletedWithItsCheckpoints()
    {
        var anchors = Path.Combine(directory.FullName, "anchors.txt");
        await using (var store = await ProtectedStore.OpenAsync(new StorageOptions { DataDirectory = directory.FullName }))
        {
            using var sink = new CheckpointAnchorFile(anchors);
            await using var chain = await AuditChain.OpenAsync(store.Database, store.Keys, new AuditChainOptions { CheckpointEveryRecords = 10, CheckpointSink = sink });
            for (var i = 0; i < 25; i++)
            {
                await chain.AppendAsync(new AuditEntry("staff-1", "clerk", "identify", "check-in", $"subject-{i}", "success", null, "model@1", $"corr-{i}", null));
            }
        }

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory.FullName, "visage.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var edit = connection.CreateCommand();
            edit.CommandText = "DELETE FROM audit_records WHERE sequence > 15; DELETE FROM audit_checkpoints WHERE sequence > 15;";
            await edit.ExecuteNonQueryAsync();
        }

        var alone = await VisageProcess.RunAsync(directory.FullName, "audit", "verify");
        var anchored = await VisageProcess.RunAsync(directory.FullName, "audit", "verify", "--anchors", anchors);
        await File.AppendAllTextAsync(anchors, "v1 not a checkpoint\n");
        var edited = await VisageProcess.RunAsync(directory.FullName, "audit", "verify", "--anchors", anchors);

        Assert.True(alone.ExitCode == 0, alone.Output);
        Assert.Equal(10, anchored.ExitCode);
        Assert.Contains("broken at sequence 16: TruncatedAfterCheckpoint", anchored.Output, StringComparison.Ordinal);
        Assert.Equal(10, edited.ExitCode);
        Assert.Contains("malformed", edited.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disclosures_ForOneSubject_AsTableFhirAndSyslog()
    {
        await using (var store = await ProtectedStore.OpenAsync(new StorageOptions { DataDirectory = directory.FullName }))
        {
            await using var chain = await AuditChain.OpenAsync(store.Database, store.Keys);
            for (var i = 0; i < 6; i++)
            {
                await chain.AppendAsync(new AuditEntry($"staff-{i}", "clerk", "identify", "check-in", i % 2 == 0 ? "subject-a" : "subject-b", "success", null, null, $"corr-{i}", null));
            }
        }

        var table = await VisageProcess.RunAsync(directory.FullName, "audit", "disclosures", "subject-a");
        var fhir = await VisageProcess.RunAsync(directory.FullName, "audit", "disclosures", "subject-a", "--format", "fhir");
        var syslog = await VisageProcess.RunAsync(directory.FullName, "audit", "disclosures", "subject-a", "--format", "syslog");

        Assert.Contains("3 records", table.Output, StringComparison.Ordinal);
        Assert.Contains("staff-4", table.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("staff-1", table.Output, StringComparison.Ordinal);
        Assert.Contains("\"resourceType\": \"Bundle\"", fhir.Output, StringComparison.Ordinal);
        Assert.Equal(3, fhir.Output.Split("\"resourceType\": \"AuditEvent\"").Length - 1);
        Assert.Equal(3, syslog.Output.Split('\n').Count(l => l.StartsWith("<86>1 ", StringComparison.Ordinal)));
    }
}
