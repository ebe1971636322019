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
}
