using System.Text;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;

namespace Visage.Cli.Tests;

/// <summary>
/// Several <c>keys rotate</c> and <c>templates renew</c> processes started together on one populated store, round
/// after round: each exits 0 or is refused with the storage exit code and a clear message (never a crash), those
/// told to <c>--wait</c> all succeed, and afterwards every subject key unwraps, every template decrypts to its
/// embedding under the current transform, and the key and transform versions count exactly the runs that succeeded
/// (a version overwritten or made twice would show). Run on SQLite and PostgreSQL.
/// </summary>
public abstract class KeyMaintenanceConcurrencyTests : IDisposable
{
    private const int Rounds = 3;
    private const int Templates = 120;
    private const int BulkSubjects = 2500;
    private const int StorageExit = 8;
    private const int AuditUnavailableExit = 14;

    private static readonly string[][] Commands =
    [
        ["keys", "rotate", "--batch-size", "20"],
        ["keys", "rotate", "--batch-size", "20", "--wait", "600"],
        ["templates", "renew", "--batch-size", "20"],
        ["templates", "renew", "--batch-size", "20", "--wait", "600"],
    ];

    protected DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("visage-maintenance-");

    public void Dispose()
    {
        Directory.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    protected abstract Task<StorageOptions> CreateStoreOptionsAsync();

    [Fact]
    public async Task RotateAndRenew_ManyProcessesAtOnce_NothingLostAndEverythingDecrypts()
    {
        var options = await CreateStoreOptionsAsync();
        var embeddings = new Dictionary<Guid, float[]>();
        await using (var store = await ProtectedStore.OpenAsync(options))
        {
            for (var i = 0; i < Templates; i++)
            {
                var embedding = CliOutput.RandomUnit(i);
                embeddings[(await store.Vault.EnrolAsync(Guid.NewGuid(), embedding, Purposes.CheckIn, "model@1")).Id] = embedding;
            }

            await AddBulkSubjectsAsync(store);
        }

        int rotations = 0, renewals = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var runs = await Task.WhenAll(Commands.Select(command => VisageProcess.RunAsync(StartInfo(options, command))));

            foreach (var (command, (exitCode, output)) in Commands.Zip(runs))
            {
                var what = $"round {round}: visage {string.Join(' ', command)} exited {exitCode}:\n{output}";
                Assert.True(exitCode is 0 or StorageExit or AuditUnavailableExit, what);
                Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
                Assert.DoesNotMatch(@"\n\s+at \S+\(", output);
                if (command.Contains("--wait"))
                {
                    Assert.True(exitCode == 0, what);
                }

                if (exitCode == StorageExit)
                {
                    Assert.Contains("Another Visage process is changing the keys", CliOutput.Unwrapped(output), StringComparison.Ordinal);
                }
                else if (exitCode == AuditUnavailableExit)
                {
                    // Refused by the audit log's one writer before its started record, so before anything changed.
                    Assert.Contains("Another Visage process is already the audit-writer", CliOutput.Unwrapped(output), StringComparison.Ordinal);
                }
                else if (command[0] == "keys")
                {
                    rotations++;
                }
                else
                {
                    renewals++;
                }
            }

            var status = await VisageProcess.RunAsync(StartInfo(options, "keys", "status"));
            Assert.True(status.ExitCode == 0, status.Output);
            await AssertEverythingDecryptsAsync(options, embeddings, keyVersion: 1 + rotations, transformVersion: 1 + renewals);
        }
    }

    [Fact]
    public async Task FirstStart_ManyProcessesAtOnceOnAnEmptyStore_AllAgreeOnOneSetOfKeys()
    {
        var options = await CreateStoreOptionsAsync();
        var migrate = await VisageProcess.RunAsync(StartInfo(options, "db", "migrate"));
        Assert.True(migrate.ExitCode == 0, migrate.Output);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => VisageProcess.RunAsync(StartInfo(options, "keys", "status"))));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Output));
        var fingerprints = runs.Select(run => System.Text.RegularExpressions.Regex.Match(run.Output, "signing key: sha256 ([0-9a-f]{64})").Groups[1].Value).Distinct().ToList();
        Assert.Equal(64, Assert.Single(fingerprints).Length);
        await using var store = await ProtectedStore.OpenAsync(options);
        Assert.Equal([1], store.Keys.Versions);
        Assert.Equal([1], (await store.Store.GetTransformKeysAsync()).Select(k => k.Version));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(store.Keys.ExportSigningPublicKey())), fingerprints[0]);
    }

    private static async Task AssertEverythingDecryptsAsync(StorageOptions options, Dictionary<Guid, float[]> embeddings, int keyVersion, int transformVersion)
    {
        await using var store = await ProtectedStore.OpenAsync(options);
        Assert.Equal([keyVersion], store.Keys.Versions);
        Assert.Equal(transformVersion, store.Vault.TransformVersion);
        Assert.Equal([transformVersion], (await store.Store.GetTransformKeysAsync()).Select(k => k.Version));

        var loaded = 0;
        await foreach (var template in store.Vault.LoadAllAsync())
        {
            Assert.Equal(transformVersion, template.TransformVersion);
            Assert.Equal(1.0f, Cosine(template.Vector, store.Vault.Protect(embeddings[template.Id])), 3);
            loaded++;
        }

        Assert.Equal(Templates, loaded);
        var subjects = 0;
        Guid? after = null;
        while (await store.Store.GetSubjectsAfterAsync(after, 1000) is { Count: > 0 } page)
        {
            foreach (var s in page)
            {
                Assert.Equal(keyVersion, s.WrappedKey.KeyVersion);
                Assert.Equal(32, store.Keys.Unwrap(s.WrappedKey, Encoding.ASCII.GetBytes($"visage/subject-key|{s.SubjectId:N}|{s.KeyId:N}"), "s").Length);
            }

            subjects += page.Count;
            after = page[^1].SubjectId;
        }

        Assert.Equal(Templates + BulkSubjects, subjects);
    }

    /// <summary>Subjects with real wrapped data keys, inserted in one transaction so the store fills in seconds.</summary>
    private static async Task AddBulkSubjectsAsync(ProtectedStore store)
    {
        await using var connection = await store.Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        for (var i = 0; i < BulkSubjects; i++)
        {
            var (subject, keyId) = (Guid.NewGuid(), Guid.NewGuid());
            var wrapped = store.Keys.Wrap(Visage.Protection.SubjectDataCipher.NewDataKey(), Encoding.ASCII.GetBytes($"visage/subject-key|{subject:N}|{keyId:N}"));
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO subjects (id, key_id, kek_version, wrapped_key, created_ms) VALUES (@id, @key, @version, @wrapped, 0);";
            insert.AddParameter("@id", subject);
            insert.AddParameter("@key", keyId);
            insert.AddParameter("@version", wrapped.KeyVersion);
            insert.AddParameter("@wrapped", wrapped.Blob);
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static System.Diagnostics.ProcessStartInfo StartInfo(StorageOptions options, params string[] arguments)
    {
        var start = VisageProcess.StartInfo(options.DataDirectory!, arguments);
        start.Environment["VISAGE_Storage__Provider"] = options.Provider;
        if (options.Postgres is not null)
        {
            start.Environment["VISAGE_Storage__Postgres"] = options.Postgres;
        }

        return start;
    }

    private static float Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            (dot, na, nb) = (dot + (a[i] * b[i]), na + (a[i] * a[i]), nb + (b[i] * b[i]));
        }

        return (float)(dot / Math.Sqrt(na * nb));
    }
}

public sealed class SqliteKeyMaintenanceConcurrencyTests : KeyMaintenanceConcurrencyTests
{
    protected override Task<StorageOptions> CreateStoreOptionsAsync() =>
        Task.FromResult(new StorageOptions { DataDirectory = Directory.FullName });
}

public sealed class PostgresKeyMaintenanceConcurrencyTests(PostgresCluster cluster) : KeyMaintenanceConcurrencyTests, IClassFixture<PostgresCluster>
{
    protected override async Task<StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Directory.FullName };
}
