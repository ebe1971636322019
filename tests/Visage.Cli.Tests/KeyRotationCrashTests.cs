using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Visage.Audit;
using Visage.Gallery;
using Visage.Protection;
using Visage.Storage;

namespace Visage.Cli.Tests;

/// <summary>
/// <c>visage keys rotate</c> killed with SIGKILL in the middle of re-wrapping, then run again: it resumes the
/// same rotation, finishes, retires the old version, and every template still decrypts.
/// </summary>
public sealed class KeyRotationCrashTests : IDisposable
{
    private const int BulkSubjects = 4000;
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-rotate-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task KilledMidway_RunAgain_ResumesAndEverythingDecrypts()
    {
        var options = new StorageOptions { DataDirectory = directory.FullName };
        var enrolled = new List<ProtectedTemplate>();
        await using (var store = await ProtectedStore.OpenAsync(options))
        {
            for (var i = 0; i < 20; i++)
            {
                enrolled.Add(await store.Vault.EnrolAsync(Guid.NewGuid(), CliOutput.RandomUnit(i), Purposes.CheckIn, "model@1"));
            }

            await AddBulkSubjectsAsync(store.Keys);
        }

        var total = BulkSubjects + enrolled.Count;
        using (var rotation = Process.Start(VisageProcess.StartInfo(directory.FullName, "keys", "rotate", "--batch-size", "10"))!)
        {
            var rewrapped = 0L;
            while (!rotation.HasExited && rewrapped == 0)
            {
                await Task.Delay(2);
                rewrapped = await CountUnderVersionAsync(2);
            }

            rotation.Kill(entireProcessTree: true);
            await rotation.WaitForExitAsync();
        }

        var afterKill = await CountUnderVersionAsync(2);
        Assert.InRange(afterKill, 1, total - 1);

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "keys", "rotate", "--batch-size", "10");

        Assert.True(exitCode == 0, output);
        Assert.Contains("resumed an interrupted rotation", output, StringComparison.Ordinal);
        Assert.Equal(total, await CountUnderVersionAsync(2));
        await using (var store = await ProtectedStore.OpenAsync(options))
        {
            Assert.Equal([2], store.Keys.Versions);
            foreach (var template in enrolled)
            {
                Assert.Equal(template.Vector, Assert.Single(await store.Vault.GetTemplatesAsync(template.SubjectId)).Vector);
            }

            var remaining = await store.Store.GetSubjectsNotWrappedUnderAsync(version: 0, limit: total + 1);
            Assert.Equal(total, remaining.Count);
            Assert.All(remaining, s => store.Keys.Unwrap(s.WrappedKey, System.Text.Encoding.ASCII.GetBytes($"visage/subject-key|{s.SubjectId:N}|{s.KeyId:N}"), "s"));

            // The audit log tells the story: the killed run started and committed batches but has no outcome; the
            // second run says it resumed, records its batches and succeeds; the chain is intact.
            var records = (await new AuditQueries(store.Database).ByTimeRangeAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), 0, AuditQueries.MaxPageSize)).Records;
            var runs = records.Where(r => r.Action == "keys.rotate" && r.Outcome == AuditedOperation.Started).Select(r => r.CorrelationId).ToList();
            Assert.Equal(2, runs.Count);
            var killed = records.Where(r => r.CorrelationId == runs[0]).ToList();
            var resumed = records.Where(r => r.CorrelationId == runs[1]).ToList();
            Assert.Contains(killed, r => r.Action == "keys.rotate.target");
            Assert.Contains(killed, r => r.Action == "keys.rotate.batch");
            Assert.DoesNotContain(killed, r => r.Action == "keys.rotate" && r.Outcome != AuditedOperation.Started);
            Assert.Contains(resumed, r => r.Action == "keys.rotate.resumed" && r.ModelVersion == "kek-v2");
            Assert.Equal((total - afterKill + 9) / 10, resumed.Count(r => r.Action == "keys.rotate.batch"));
            Assert.Equal(("keys.rotate", AuditedOperation.Success), (resumed[^1].Action, resumed[^1].Outcome));
            Assert.True((await AuditVerifier.VerifyAsync(store.Database, store.Keys.ExportSigningPublicKey())).IsIntact);
        }
    }

    /// <summary>Subjects with real wrapped data keys, inserted in one transaction so the test sets up in seconds.</summary>
    private async Task AddBulkSubjectsAsync(IKeyProvider keys)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        for (var i = 0; i < BulkSubjects; i++)
        {
            var (subject, keyId) = (Guid.NewGuid(), Guid.NewGuid());
            var wrapped = keys.Wrap(SubjectDataCipher.NewDataKey(), System.Text.Encoding.ASCII.GetBytes($"visage/subject-key|{subject:N}|{keyId:N}"));
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO subjects (id, key_id, kek_version, wrapped_key, created_ms) VALUES (@id, @key, @version, @wrapped, 0);";
            insert.Parameters.AddWithValue("@id", subject);
            insert.Parameters.AddWithValue("@key", keyId);
            insert.Parameters.AddWithValue("@version", wrapped.KeyVersion);
            insert.Parameters.AddWithValue("@wrapped", wrapped.Blob);
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private string DatabasePath => Path.Combine(directory.FullName, "visage.db");

    private async Task<long> CountUnderVersionAsync(int version)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM subjects WHERE kek_version = @version;";
        command.Parameters.AddWithValue("@version", version);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
