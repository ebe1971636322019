using System.Diagnostics;
using System.Globalization;
using Visage.Protection;
using Visage.Storage;

namespace Visage.Audit.Tests;

/// <summary>
/// A real kill -9: a child process (this assembly's <see cref="Program"/>) appends from 8 writers and gets SIGKILL
/// mid-stream. Afterwards the chain must verify with no gap and no half record, and hold at least every sequence
/// the child had been told was committed. Run on SQLite and on a real PostgreSQL cluster.
/// </summary>
public abstract class AuditChainCrashTests
{
    protected abstract Task<(string Argument, VisageDatabase Database)> CreateDatabaseAsync(DirectoryInfo directory);

    [Fact]
    public async Task AppendAsync_ProcessKilledDuringHeavyAppending_ChainVerifiesAndKeepsEveryAcknowledgedRecord()
    {
        var directory = Directory.CreateTempSubdirectory("visage-audit-crash-");
        try
        {
            var (databaseArgument, database) = await CreateDatabaseAsync(directory);
            await using var _ = database;
            var keyPath = Path.Combine(directory.FullName, "visage.keys");
            var anchorPath = Path.Combine(directory.FullName, "anchors");
            FileKeyProvider.OpenOrCreate(keyPath);
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in (string[])[typeof(Program).Assembly.Location, "audit-load", databaseArgument, keyPath, anchorPath])
            {
                start.ArgumentList.Add(argument);
            }

            long acknowledged = 0;
            using (var child = Process.Start(start)!)
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (acknowledged < 3000 && DateTime.UtcNow < deadline && await child.StandardOutput.ReadLineAsync() is { } line)
                {
                    acknowledged = long.Parse(line, CultureInfo.InvariantCulture);
                }

                child.Kill(); // SIGKILL on Unix: no finally blocks, no final checkpoint, no flush.
                await child.WaitForExitAsync();
                Assert.True(acknowledged >= 3000, $"child acknowledged only {acknowledged}: {await child.StandardError.ReadToEndAsync()}");
            }

            // The anchor file may lag the database (a checkpoint committed, the copy not yet made) but never lead it.
            var result = await AuditVerifier.VerifyAsync(database, FileKeyProvider.OpenOrCreate(keyPath).ExportSigningPublicKey(), CheckpointAnchorFile.Read(anchorPath), checkpointEveryRecords: 500);
            Assert.True(result.IsIntact, $"{result.Break} at {result.FirstBrokenSequence}: {result.Detail}");
            Assert.True(result.LastSequence >= acknowledged, $"{result.LastSequence} < acknowledged {acknowledged}");
            Assert.Equal(result.LastSequence, result.RecordsChecked);
            Assert.True(result.CheckpointsChecked >= 1);

            // And the chain carries on after the crash.
            await using (var chain = await AuditChain.OpenAsync(database, FileKeyProvider.OpenOrCreate(keyPath), new AuditChainOptions { CheckpointEveryRecords = 500, AnchorFile = anchorPath }))
            {
                Assert.Equal(result.LastSequence + 1, (await chain.AppendAsync(AuditHarness.Entry(0))).Sequence);
            }

            Assert.True((await AuditVerifier.VerifyAsync(database, FileKeyProvider.OpenOrCreate(keyPath).ExportSigningPublicKey(), CheckpointAnchorFile.Read(anchorPath), checkpointEveryRecords: 500)).IsIntact);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

public sealed class SqliteAuditChainCrashTests : AuditChainCrashTests
{
    protected override Task<(string Argument, VisageDatabase Database)> CreateDatabaseAsync(DirectoryInfo directory)
    {
        var path = Path.Combine(directory.FullName, "visage.db");
        return Task.FromResult<(string, VisageDatabase)>((path, new SqliteDatabase(path)));
    }
}

[Collection("postgres")]
public sealed class PostgresAuditChainCrashTests(Visage.Storage.Tests.PostgresCluster cluster) : AuditChainCrashTests
{
    protected override async Task<(string Argument, VisageDatabase Database)> CreateDatabaseAsync(DirectoryInfo directory)
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        return (connectionString, new PostgresDatabase(connectionString));
    }
}
