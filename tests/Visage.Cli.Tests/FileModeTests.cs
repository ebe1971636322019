using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;

namespace Visage.Cli.Tests;

/// <summary>
/// Every file Visage leaves in its data directory (database, WAL and shared memory while it runs, the migration backup,
/// key file, locks, exported key, evaluation report, error log) is 0600 in 0700 folders although each command runs under umask 000.
/// Run on SQLite and PostgreSQL, whose data directory holds the key file.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public abstract class FileModeTests : IDisposable
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = PrivateFile | UnixFileMode.UserExecute;

    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-modes-");

    protected string Data => Path.Combine(root.FullName, "data");

    public void Dispose()
    {
        root.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    protected abstract Task<StorageOptions> CreateStoreOptionsAsync();

    /// <summary>SQLite only: takes the store back one schema version, so the next <c>db migrate</c> makes a backup.</summary>
    protected abstract Task DowngradeOneSchemaVersionAsync();

    /// <summary>SQLite only: the files SQLite creates while a command runs and removes when it ends.</summary>
    protected abstract IReadOnlyList<string> TransientFiles { get; }

    [Fact]
    public async Task EveryCommand_UnderUmask000_LeavesOnlyOwnerOnlyFiles()
    {
        var options = await CreateStoreOptionsAsync();
        await RunAsync(options, "keys", "status");
        Guid deleted;
        await using (var store = await ProtectedStore.OpenAsync(options))
        {
            for (var i = 0; i < 300; i++)
            {
                await store.Vault.EnrolAsync(Guid.NewGuid(), CliOutput.RandomUnit(i), Purposes.CheckIn, "model@1");
            }

            deleted = (await store.Vault.EnrolAsync(Guid.NewGuid(), CliOutput.RandomUnit(999), Purposes.CheckIn, "model@1")).SubjectId;
        }

        await DowngradeOneSchemaVersionAsync();
        await RunAsync(options, "db", "migrate");
        var seen = await RunWatchingAsync(options, "templates", "renew", "--batch-size", "1");
        await RunAsync(options, "keys", "rotate");
        await RunAsync(options, "subjects", "delete", deleted.ToString(), "--actor", "dr-7", "--reason", "withdrawn");
        await RunAsync(options, "subjects", "certificates", deleted.ToString());
        await RunAsync(options, "keys", "export-public", "--out", Path.Combine(Data, "signing-public.pem"));
        await RunAsync(options, "eval", "liveness", "--out", Path.Combine(Data, "reports", "eval"));
        // An unexpected failure (a symbolic-link loop as another store's database) writes the private error log here.
        var broken = Directory.CreateDirectory(Path.Combine(root.FullName, "broken")).FullName;
        File.CreateSymbolicLink(Path.Combine(broken, "visage.db"), Path.Combine(broken, "visage.db"));
        var unexpected = VisageProcess.StartInfo(broken, "keys", "status");
        unexpected.Environment["XDG_STATE_HOME"] = VisageProcess.StateDirectory(Data);
        Assert.Equal(12, (await VisageProcess.RunAsync(VisageProcess.UnderOpenUmask(unexpected))).ExitCode);

        Assert.All(TransientFiles, f => Assert.True(seen.ContainsKey(f), $"{f} was never seen while renew ran; the test proves nothing about it"));
        Assert.All(seen, s => Assert.True(s.Value == PrivateFile, $"{s.Key} was {s.Value} while renew ran"));
        var files = Directory.GetFiles(Data, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("visage.keys", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("errors.log", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("liveness.json", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == PrivateFile, $"{Path.GetRelativePath(Data, f)} is {File.GetUnixFileMode(f)}"));
        var folders = Directory.GetDirectories(Data, "*", SearchOption.AllDirectories).Append(Data);
        Assert.All(folders, d => Assert.True(File.GetUnixFileMode(d) == PrivateFolder, $"{d} is {File.GetUnixFileMode(d)}"));
        AssertExtraChecks(files);
    }

    protected virtual void AssertExtraChecks(string[] files)
    {
    }

    private ProcessStartInfo Start(StorageOptions options, params string[] arguments) => VisageProcess.StartInfo(Data, options, arguments);

    private async Task RunAsync(StorageOptions options, params string[] arguments)
    {
        var (exitCode, output) = await VisageProcess.RunAsync(VisageProcess.UnderOpenUmask(Start(options, arguments)));
        Assert.True(exitCode == 0, $"{string.Join(' ', arguments)}: exit {exitCode}: {output}");
    }

    /// <summary>Runs a command and records the mode of each transient file every few milliseconds while it runs.</summary>
    private async Task<Dictionary<string, UnixFileMode>> RunWatchingAsync(StorageOptions options, params string[] arguments)
    {
        var seen = new Dictionary<string, UnixFileMode>();
        using var process = Process.Start(VisageProcess.UnderOpenUmask(Start(options, arguments)))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        while (!process.HasExited)
        {
            foreach (var name in TransientFiles)
            {
                var path = Path.Combine(Data, name);
                try
                {
                    var mode = File.GetUnixFileMode(path);
                    seen[name] = seen.TryGetValue(name, out var earlier) && earlier != PrivateFile ? earlier : mode;
                }
                catch (Exception ex) when (ex is FileNotFoundException or IOException)
                {
                    // Not there at this instant.
                }
            }

            await Task.Delay(5);
        }

        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await output + await error);
        return seen;
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SqliteFileModeTests : FileModeTests
{
    protected override IReadOnlyList<string> TransientFiles { get; } = ["visage.db-wal", "visage.db-shm"];

    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });

    protected override async Task DowngradeOneSchemaVersionAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Data, "visage.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TABLE recognition_scores; DELETE FROM schema_migrations WHERE version = 7;";
        await command.ExecuteNonQueryAsync();
    }

    protected override void AssertExtraChecks(string[] files)
    {
        Assert.Contains(files, f => f.EndsWith(".bak", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("visage.db", StringComparison.Ordinal));
    }
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PostgresFileModeTests(PostgresCluster cluster) : FileModeTests, IClassFixture<PostgresCluster>
{
    protected override IReadOnlyList<string> TransientFiles { get; } = [];

    protected override async Task<StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };

    protected override Task DowngradeOneSchemaVersionAsync() => Task.CompletedTask;
}
