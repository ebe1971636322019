using System.Data.Common;
using Visage.Gallery;
using Visage.Protection;
using Visage.Storage;
using Visage.Storage.Migrations;
using Visage.Storage.Tests;

namespace Visage.Audit.Tests;

/// <summary>A migrated database and a key file in a temp directory, with raw SQL access for tampering.</summary>
public sealed class AuditHarness : IAsyncDisposable
{
    private readonly DirectoryInfo directory;

    private AuditHarness(DirectoryInfo directory, VisageDatabase database)
    {
        this.directory = directory;
        Database = database;
        Keys = FileKeyProvider.OpenOrCreate(Path.Combine(directory.FullName, "visage.keys"));
        // Beside the SQLite file (its default); for PostgreSQL in this directory, never the user's data directory.
        AnchorPath = CheckpointAnchorLocation.For(database, directory.FullName);
    }

    /// <summary>The anchor file every chain the harness opens writes to.</summary>
    public string AnchorPath { get; }

    public string DirectoryPath => directory.FullName;

    public VisageDatabase Database { get; }

    public FileKeyProvider Keys { get; }

    public byte[] PublicKey => Keys.ExportSigningPublicKey();

    public static async Task<AuditHarness> CreateAsync(Func<DirectoryInfo, Task<VisageDatabase>> open)
    {
        var directory = Directory.CreateTempSubdirectory("visage-audit-");
        var database = await open(directory);
        await new SchemaMigrator(database).MigrateAsync();
        return new AuditHarness(directory, database);
    }

    public Task<AuditChain> OpenChainAsync(AuditChainOptions? options = null)
    {
        options ??= new AuditChainOptions();
        options.AnchorFile ??= AnchorPath;
        return AuditChain.OpenAsync(Database, Keys, options);
    }

    /// <summary>The database alone, as verify sees it without an anchor file.</summary>
    public Task<AuditVerification> VerifyAsync(int checkpointEveryRecords = AuditChainOptions.DefaultCheckpointEveryRecords) =>
        AuditVerifier.VerifyAsync(Database, PublicKey, checkpointEveryRecords: checkpointEveryRecords);

    /// <summary>The database held to the harness's anchor file.</summary>
    public Task<AuditVerification> VerifyAnchoredAsync(int checkpointEveryRecords = AuditChainOptions.DefaultCheckpointEveryRecords) =>
        AuditVerifier.VerifyAsync(Database, PublicKey, CheckpointAnchorFile.Read(AnchorPath), checkpointEveryRecords);

    public static AuditEntry Entry(int i, string? subject = null, string actor = "actor-1", string action = "template.read") => new(
        Actor: actor,
        ActorRole: "clinician",
        Action: action,
        Purpose: Purposes.CheckIn,
        Subject: subject,
        Outcome: "success",
        Reason: i % 3 == 0 ? null : $"reason {i}",
        ModelVersion: i % 2 == 0 ? "arcface-r100@1" : null,
        CorrelationId: $"corr-{i}",
        ClientAddressHash: i % 5 == 0 ? null : new byte[32]);

    public async Task<int> ExecuteAsync(string sql, Action<DbCommand>? bind = null)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind?.Invoke(command);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Inserts a record row exactly as given, as a database administrator could.</summary>
    public Task InsertRawAsync(AuditRecord record) => ExecuteAsync(
        "INSERT INTO audit_records (sequence, format_version, time_ms, actor, actor_role, action, purpose, subject, outcome, reason, model_version, correlation_id, client_address_hash, prev_hash, hash) " +
        "VALUES (@s, 1, @t, @actor, @role, @action, @purpose, @subject, @outcome, @reason, @model, @corr, @client, @prev, @hash);",
        c =>
        {
            c.AddInt64("@s", record.Sequence);
            c.AddInt64("@t", record.TimeUtc.ToUnixTimeMilliseconds());
            c.AddText("@actor", record.Actor);
            c.AddText("@role", record.ActorRole);
            c.AddText("@action", record.Action);
            c.AddText("@purpose", record.Purpose);
            c.AddText("@subject", record.Subject);
            c.AddText("@outcome", record.Outcome);
            c.AddText("@reason", record.Reason);
            c.AddText("@model", record.ModelVersion);
            c.AddText("@corr", record.CorrelationId);
            c.AddBytes("@client", record.ClientAddressHash);
            c.AddBytes("@prev", record.PreviousHash);
            c.AddBytes("@hash", record.Hash);
        });

    public async Task<AuditRecord> ReadRecordAsync(long sequence)
    {
        await using var connection = await Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditTable.RecordColumns} FROM audit_records WHERE sequence = @s;";
        command.AddInt64("@s", sequence);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return AuditTable.ReadRecord(reader);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        directory.Delete(recursive: true);
    }
}

/// <summary>Opens a fresh database per test: a SQLite file, or a new database in the shared PostgreSQL cluster.</summary>
public abstract class AuditContractTests : IAsyncLifetime
{
    private AuditHarness? harness;

    protected AuditHarness Harness => harness!;

    public virtual async Task InitializeAsync() => harness = await AuditHarness.CreateAsync(OpenDatabaseAsync);

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    protected abstract Task<VisageDatabase> OpenDatabaseAsync(DirectoryInfo directory);

    protected static Task<VisageDatabase> OpenSqliteAsync(DirectoryInfo directory) =>
        Task.FromResult<VisageDatabase>(new SqliteDatabase(Path.Combine(directory.FullName, "visage.db")));

    protected static async Task<VisageDatabase> OpenPostgresAsync(PostgresCluster cluster) =>
        new PostgresDatabase(await cluster.CreateDatabaseAsync());
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>;
