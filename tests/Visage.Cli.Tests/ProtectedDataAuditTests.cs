using System.Data.Common;
using System.Diagnostics;
using Visage.Audit;
using Visage.Face;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;

namespace Visage.Cli.Tests;

/// <summary>
/// Every CLI command that reads, changes or deletes protected data leaves its audit records (a "started" record before
/// it touches anything, its steps, its outcome, under one correlation id), the chain verifies afterwards, and an audit
/// log that refuses writes stops the operation with the data unchanged. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class ProtectedDataAuditTests : IDisposable
{
    private const int AuditUnavailableExit = 14;
    // Under the test's own folder, not /tmp: the immutable attribute the read-only test sets needs a real file system.
    private readonly DirectoryInfo root = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "scratch", $"audited-{Guid.NewGuid():N}"));

    protected string Data => Path.Combine(root.FullName, "data");

    public void Dispose()
    {
        root.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    protected abstract Task<StorageOptions> CreateStoreOptionsAsync();

    /// <summary>SQL that makes every insert into audit_records fail, as an audit store that cannot be written would.</summary>
    protected abstract string RefuseAuditWritesSql { get; }

    protected abstract string AllowAuditWritesSql { get; }

    [Fact]
    public async Task EveryProtectedDataCommand_LeavesItsAuditRecords_AndTheChainVerifies()
    {
        var options = await CreateStoreOptionsAsync();
        var subjects = await EnrolAsync(options, 3);
        var deleted = subjects[0];

        await RunOkAsync(options, "db", "migrate", "--actor", "ops-1");
        await RunOkAsync(options, "models", "verify", "--actor", "ops-1");
        await RunOkAsync(options, "keys", "rotate", "--batch-size", "1", "--actor", "ops-1");
        await RunOkAsync(options, "templates", "renew", "--batch-size", "1", "--actor", "ops-2");
        var deletion = await RunOkAsync(options, "subjects", "delete", deleted.ToString(), "--reason", "withdrawn", "--actor", "dr-7");
        await RunOkAsync(options, "subjects", "certificates", deleted.ToString(), "--actor", "po-1");
        var disclosures = await RunOkAsync(options, "audit", "disclosures", deleted.ToString(), "--actor", "po-1");
        var verify = await RunOkAsync(options, "audit", "verify");

        var records = await ReadAuditAsync(options);
        var migration = Assert.Single(records, r => r.Action == "db.migrate");
        Assert.Equal(("ops-1", AuditedOperation.Success), (migration.Actor, migration.Outcome));
        Assert.Matches(@"^schema (\d+) -> \1, 0 applied", migration.Reason);
        AssertOperation(records, "models.verify", "ops-1", "operations", steps: 0);
        var rotation = AssertOperation(records, "keys.rotate", "ops-1", "operations", steps: 1 + 1 + 3);
        Assert.Contains(rotation, r => r.Action == "keys.rotate.target" && r.ModelVersion == "kek-v2");
        Assert.Equal(3 + 1, rotation.Count(r => r.Action == "keys.rotate.batch"));
        Assert.Equal("kek-v2", rotation[^1].ModelVersion);
        var renewal = AssertOperation(records, "templates.renew", "ops-2", "operations", steps: 1 + 3);
        Assert.All(renewal.Where(r => r.Action == "templates.renew.batch"), r => Assert.Equal("transform-v2", r.ModelVersion));

        var delete = AssertOperation(records, "subject.delete", "dr-7", "operations", steps: 0);
        Assert.All(delete, r => Assert.Equal(deleted.ToString(), r.Subject));
        var certificateId = CertificateId(deletion);
        Assert.Equal($"withdrawn; certificate {certificateId:N}", delete[^1].Reason);
        AssertOperation(records, "subject.certificates.read", "po-1", "security-review", steps: 0);
        AssertOperation(records, "audit.disclosures", "po-1", "security-review", steps: 0);
        Assert.All(records, r => Assert.Equal("host-operator", r.ActorRole));

        // The accounting of disclosures for the deleted subject lists its deletion, who asked and why.
        var listed = CliOutput.Unwrapped(disclosures);
        Assert.Contains("subject.delete", listed, StringComparison.Ordinal);
        Assert.Contains("dr-7", listed, StringComparison.Ordinal);
        Assert.Contains($"certificate {certificateId:N}", listed, StringComparison.Ordinal);
        Assert.Contains("intact", verify, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeidBatch_RecordsEachFileByInputHashAndOutputName()
    {
        var options = await CreateStoreOptionsAsync();
        var input = Directory.CreateDirectory(Path.Combine(root.FullName, "in")).FullName;
        var data = SharedDataLocator.Find();
        File.Copy(Path.Combine(data, "dicom", "debian_octave-dicom", "CT-MONO2-16-ankle.dcm"), Path.Combine(input, "Doe^Jane ankle.dcm"));
        File.Copy(Path.Combine(data, "dicom", "debian_heudiconv", "01-anat-scout", "0001.dcm"), Path.Combine(input, "scout.dcm"));
        await File.WriteAllTextAsync(Path.Combine(input, "notes.dcm"), "not DICOM at all");
        var output = Path.Combine(root.FullName, "out");

        var run = await VisageProcess.RunAsync(Start(options, "deid", "dicom", input, output, "--actor", "research-2"));
        var rerun = await VisageProcess.RunAsync(Start(options, "deid", "dicom", input, output, "--actor", "research-2"));

        Assert.True(run.ExitCode == 11, run.Output);
        Assert.True(rerun.ExitCode == 11, rerun.Output);
        var records = await ReadAuditAsync(options);
        var first = AssertOperation(records.Where(r => r.CorrelationId == records.First(s => s.Action == "deid.dicom").CorrelationId).ToList(), "deid.dicom", "research-2", "operations", steps: 3);
        var files = first.Where(r => r.Action == "deid.dicom.file").ToList();
        var hashes = Directory.GetFiles(input).Select(f => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))).Order().ToList();
        Assert.Equal(hashes, files.Select(r => r.Reason!.Split(';')[0].Replace("input sha256 ", string.Empty, StringComparison.Ordinal)).Order().ToList());
        Assert.Equal(
            Directory.GetFiles(output).Select(f => $"output {Path.GetFileName(f)}").Order().ToList(),
            files.Where(r => r.Outcome == AuditedOperation.Success).Select(r => r.Reason!.Split("; ")[1]).Order().ToList());
        Assert.Single(files, r => r.Outcome == AuditedOperation.Failure);
        Assert.All(records, r => Assert.DoesNotContain("Doe", r.Reason ?? string.Empty, StringComparison.Ordinal));

        // The rerun resumes: no file is done (nor recorded) again, the failed one included (no --retry-failed).
        var second = records.Where(r => r.Action.StartsWith("deid.dicom", StringComparison.Ordinal)).Except(first).ToList();
        Assert.Equal(["deid.dicom", "deid.dicom"], second.Select(r => r.Action));
        Assert.Equal([AuditedOperation.Started, AuditedOperation.Success], second.Select(r => r.Outcome));
        await RunOkAsync(options, "audit", "verify");
    }

    [Fact]
    public async Task WithoutActor_TheOsUserActs_AndAnInvalidActorIsRefusedUnechoed()
    {
        var options = await CreateStoreOptionsAsync();
        await RunOkAsync(options, "models", "verify");
        var refused = await VisageProcess.RunAsync(Start(options, "models", "verify", "--actor", "Jane Doe"));

        var records = await ReadAuditAsync(options);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(Environment.UserName, r.Actor));
        Assert.Equal(2, refused.ExitCode);
        Assert.DoesNotContain("Jane", refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAuditLogThatCannotBeWritten_StopsEachOperation_AndLeavesTheDataUnchanged()
    {
        var options = await CreateStoreOptionsAsync();
        var subjects = await EnrolAsync(options, 2);
        await RunOkAsync(options, "models", "verify");
        var before = await SnapshotAsync(options, subjects);
        var recordsBefore = (await ReadAuditAsync(options)).Count;
        await ExecuteAsync(options, RefuseAuditWritesSql);

        var delete = await VisageProcess.RunAsync(Start(options, "subjects", "delete", subjects[0].ToString(), "--reason", "withdrawn"));
        var rotate = await VisageProcess.RunAsync(Start(options, "keys", "rotate"));
        var renew = await VisageProcess.RunAsync(Start(options, "templates", "renew"));

        foreach (var (name, run) in new[] { ("subjects delete", delete), ("keys rotate", rotate), ("templates renew", renew) })
        {
            Assert.True(run.ExitCode == AuditUnavailableExit, $"{name}: exit {run.ExitCode}: {run.Output}");
            Assert.Contains("The audit log could not be written", CliOutput.Unwrapped(run.Output), StringComparison.Ordinal);
            Assert.False(CliOutput.HasStackTrace(run.Output), run.Output);
        }

        await ExecuteAsync(options, AllowAuditWritesSql);
        Assert.Equal(before, await SnapshotAsync(options, subjects));
        Assert.Equal(recordsBefore, (await ReadAuditAsync(options)).Count);
        await RunOkAsync(options, "audit", "verify");
    }

    private static List<AuditRecord> AssertOperation(List<AuditRecord> records, string action, string actor, string purpose, int steps)
    {
        var started = Assert.Single(records, r => r.Action == action && r.Outcome == AuditedOperation.Started);
        var operation = records.Where(r => r.CorrelationId == started.CorrelationId).ToList();
        Assert.Equal(steps + 2, operation.Count);
        Assert.Same(started, operation[0]);
        Assert.Equal((action, AuditedOperation.Success), (operation[^1].Action, operation[^1].Outcome));
        Assert.All(operation, r => Assert.Equal((actor, purpose), (r.Actor, r.Purpose)));
        Assert.All(operation.Skip(1).SkipLast(1), r => Assert.StartsWith(action + ".", r.Action, StringComparison.Ordinal));
        return operation;
    }

    private static Guid CertificateId(string deletionOutput)
    {
        var body = deletionOutput.Split('\n').First(l => l.TrimStart().StartsWith('{'));
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("certificateId").GetGuid();
    }

    protected static async Task<List<Guid>> EnrolAsync(StorageOptions options, int count)
    {
        await using var store = await ProtectedStore.OpenAsync(options);
        var subjects = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            subjects.Add((await store.Vault.EnrolAsync(Guid.NewGuid(), CliOutput.RandomUnit(i), Purposes.CheckIn, "model@1")).SubjectId);
        }

        return subjects;
    }

    /// <summary>What each command could change: every subject's templates, the key versions wrapping the keys, the transform version.</summary>
    protected static async Task<string> SnapshotAsync(StorageOptions options, List<Guid> subjects)
    {
        await using var store = await ProtectedStore.OpenAsync(options);
        var parts = new List<string> { $"transform {store.Vault.TransformVersion}" };
        parts.AddRange((await store.Store.CountWrappedKeysByVersionAsync()).OrderBy(p => p.Key).Select(p => $"kek {p.Key}: {p.Value}"));
        foreach (var subject in subjects)
        {
            parts.AddRange((await store.Vault.GetTemplatesAsync(subject)).Select(t => $"{subject} {t.Id} {string.Join(',', t.Vector.Take(4))}"));
        }

        return string.Join('\n', parts);
    }

    private static async Task<List<AuditRecord>> ReadAuditAsync(StorageOptions options)
    {
        await using var database = ProtectedStore.OpenDatabase(options);
        var queries = new AuditQueries(database);
        var records = new List<AuditRecord>();
        long? after = 0;
        while (after is not null)
        {
            var page = await queries.ByTimeRangeAsync(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1), after.Value, AuditQueries.MaxPageSize);
            records.AddRange(page.Records);
            after = page.NextAfter;
        }

        return records;
    }

    private static async Task ExecuteAsync(StorageOptions options, string sql)
    {
        await using var database = ProtectedStore.OpenDatabase(options);
        await using var connection = await database.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    protected ProcessStartInfo Start(StorageOptions options, params string[] arguments) => VisageProcess.StartInfo(Data, options, arguments);

    protected async Task<string> RunOkAsync(StorageOptions options, params string[] arguments)
    {
        var (exitCode, output) = await VisageProcess.RunAsync(Start(options, arguments));
        Assert.True(exitCode == 0, $"{string.Join(' ', arguments)}: exit {exitCode}: {output}");
        return output;
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SqliteProtectedDataAuditTests : ProtectedDataAuditTests
{
    /// <summary>
    /// The database file itself read-only: 0400 for an ordinary user, the immutable attribute for root (whom modes do not
    /// stop). Every operation is refused before its started record, with exit 14, and the store is as it was.
    /// </summary>
    [Fact]
    public async Task AReadOnlyDatabaseFile_RefusesEveryOperation_AndChangesNothing()
    {
        var options = await CreateStoreOptionsAsync();
        var subjects = await EnrolAsync(options, 2);
        await RunOkAsync(options, "models", "verify");
        var before = await SnapshotAsync(options, subjects);
        var database = Path.Combine(Data, "visage.db");
        var bytes = await File.ReadAllBytesAsync(database);
        var asRoot = Environment.UserName == "root";
        await SetReadOnlyAsync(database, asRoot, readOnly: true);
        List<(string Name, (int ExitCode, string Output) Run)> runs;
        try
        {
            runs =
            [
                ("subjects delete", await VisageProcess.RunAsync(Start(options, "subjects", "delete", subjects[0].ToString(), "--reason", "withdrawn"))),
                ("keys rotate", await VisageProcess.RunAsync(Start(options, "keys", "rotate"))),
                ("templates renew", await VisageProcess.RunAsync(Start(options, "templates", "renew"))),
                ("audit disclosures", await VisageProcess.RunAsync(Start(options, "audit", "disclosures", subjects[1].ToString()))),
            ];
            Assert.Equal(bytes, await File.ReadAllBytesAsync(database));
        }
        finally
        {
            await SetReadOnlyAsync(database, asRoot, readOnly: false);
        }

        foreach (var (name, run) in runs)
        {
            Assert.True(run.ExitCode == 14, $"{name}: exit {run.ExitCode}: {run.Output}");
            Assert.Contains("readonly database", CliOutput.Unwrapped(run.Output), StringComparison.Ordinal);
            Assert.Contains("Nothing was done", CliOutput.Unwrapped(run.Output), StringComparison.Ordinal);
        }

        Assert.Equal(before, await SnapshotAsync(options, subjects));
        await RunOkAsync(options, "audit", "verify");
    }

    private static async Task SetReadOnlyAsync(string path, bool asRoot, bool readOnly)
    {
        if (!asRoot)
        {
            File.SetUnixFileMode(path, readOnly ? UnixFileMode.UserRead : UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return;
        }

        var chattr = new ProcessStartInfo("chattr") { RedirectStandardError = true, UseShellExecute = false };
        chattr.ArgumentList.Add(readOnly ? "+i" : "-i");
        chattr.ArgumentList.Add(path);
        using var process = Process.Start(chattr)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"chattr {string.Join(' ', chattr.ArgumentList)}: {error}");
    }

    protected override string RefuseAuditWritesSql => "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'audit store refuses writes'); END;";

    protected override string AllowAuditWritesSql => "DROP TRIGGER refuse_audit;";

    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });
}

public sealed class PostgresProtectedDataAuditTests(PostgresCluster cluster) : ProtectedDataAuditTests, IClassFixture<PostgresCluster>
{
    protected override string RefuseAuditWritesSql =>
        "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store refuses writes'; END $$; " +
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_records FOR EACH ROW EXECUTE FUNCTION refuse_audit();";

    protected override string AllowAuditWritesSql => "DROP TRIGGER refuse_audit ON audit_records; DROP FUNCTION refuse_audit();";

    protected override async Task<StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
