using Microsoft.Data.Sqlite;
using Visage.Storage.Migrations;

namespace Visage.Storage.Tests;

/// <summary>
/// Crypto-shredding on the embedded database, checked on the raw bytes: after a subject is deleted, neither its
/// wrapped data key nor any of its ciphertexts is left anywhere in the database file, its WAL or shared memory.
/// </summary>
public sealed class SqliteShreddingTests : IAsyncLifetime
{
    private StoreHarness? harness;

    private StoreHarness Harness => harness!;

    private string DatabasePath => ((SqliteDatabase)Harness.Database).FilePath;

    public async Task InitializeAsync() =>
        harness = await StoreHarness.CreateAsync(d => Task.FromResult<VisageDatabase>(new SqliteDatabase(Path.Combine(d.FullName, "visage.db"))));

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    [Fact]
    public async Task DeletedSubject_NoWrappedKeyOrCiphertextLeftInTheDatabaseFiles()
    {
        var (secrets, subject) = await EnrolVictimAsync();
        Assert.True(FilesContainAny(secrets), "before deletion the secrets must be found, or this test proves nothing");

        await Harness.Vault.DeleteSubjectAsync(subject, "privacy-officer", DeletionReason.Request);

        Assert.False(FilesContainAny(secrets));
        Assert.Equal(1L, await Harness.Store.CountAsync("templates"));
    }

    [Fact]
    public async Task PlainDelete_WithoutSecureDeleteOrCheckpoint_LeavesTheBytes()
    {
        // The control: the same deletion without Visage's safeguards leaves recoverable bytes behind.
        var (secrets, subject) = await EnrolVictimAsync();

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA secure_delete=OFF; DELETE FROM templates WHERE subject_id = @id; DELETE FROM subjects WHERE id = @id;";
            command.Parameters.AddWithValue("@id", subject);
            await command.ExecuteNonQueryAsync();
        }

        Assert.True(FilesContainAny(secrets));
    }

    [Fact]
    public async Task Migration_OfADatabaseWithData_BacksTheFileUpFirst()
    {
        await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(1), Visage.Gallery.Purposes.CheckIn, "m");
        var latest = SchemaHistory.All[^1].Version;
        var next = new Migration(latest + 1, "test step", "CREATE TABLE test_step (id INTEGER);", "CREATE TABLE test_step (id integer);");

        var result = await new SchemaMigrator(Harness.Database, [.. SchemaHistory.All, next]).MigrateAsync();

        Assert.Equal((latest, latest + 1), (result.FromVersion, result.ToVersion));
        Assert.NotNull(result.BackupPath);
        var backup = new SqliteDatabase(result.BackupPath);
        Assert.Equal(latest, await new SchemaMigrator(backup).CurrentVersionAsync());
        Assert.Equal(1L, await new BiometricStore(backup).CountAsync("templates"));
        Assert.Equal(latest + 1, await new SchemaMigrator(Harness.Database, [.. SchemaHistory.All, next]).CurrentVersionAsync());
    }

    private async Task<(List<byte[]> Secrets, Guid Subject)> EnrolVictimAsync()
    {
        await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(2), Visage.Gallery.Purposes.CheckIn, "m");
        var victim = await Harness.Vault.EnrolAsync(Guid.NewGuid(), Embeddings.Random(3), Visage.Gallery.Purposes.CheckIn, "m");
        await Harness.Vault.EnrolAsync(victim.SubjectId, Embeddings.Random(4), Visage.Gallery.Purposes.CheckIn, "m");
        var secrets = new List<byte[]> { (await Harness.Store.GetSubjectAsync(victim.SubjectId))!.WrappedKey.Blob };
        secrets.AddRange((await Harness.Store.GetTemplatesAsync(victim.SubjectId)).Select(t => t.Ciphertext));
        return (secrets, victim.SubjectId);
    }

    /// <summary>Looks for any 16-byte run of any secret: a fragment that long is already a usable GCM block or nonce.</summary>
    private bool FilesContainAny(List<byte[]> secrets)
    {
        var files = new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" }.Where(File.Exists)
            .Select(path =>
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
                return bytes;
            }).ToList();
        return secrets.Any(secret => Enumerable.Range(0, secret.Length / 16).Any(i =>
            files.Any(f => f.AsSpan().IndexOf(secret.AsSpan(i * 16, 16)) >= 0)));
    }
}
