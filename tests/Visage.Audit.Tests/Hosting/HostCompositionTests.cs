using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;

namespace Visage.Audit.Tests.Hosting;

/// <summary>
/// The composition a server uses, on a real Generic Host: AddProtectedStore and AddAuditLog open the store, load the
/// gallery and open the one audit writer at start; enrolments and deletions through the process keep the gallery in
/// step; at stop the chain signs its last checkpoint before the store closes. Run on SQLite and PostgreSQL.
/// </summary>
public abstract partial class HostCompositionTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-host-");

    protected string Data => Path.Combine(root.FullName, "data");

    public void Dispose()
    {
        root.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    protected abstract Task<Dictionary<string, string?>> StorageSettingsAsync();

    [Fact]
    public async Task Start_LoadsTheGalleryAndOpensTheWriter_ProcessChangesKeepItInStep_StopClosesInOrder()
    {
        var settings = await StorageSettingsAsync();
        var subjects = await EnrolAsync(settings, 25);
        var logged = new List<string>();

        var host = Build(settings, logged);
        await host.StartAsync();
        var lifetime = host.Services.GetRequiredService<ProtectedStoreLifetime>();
        var audit = host.Services.GetRequiredService<AuditLog>();
        Assert.True(lifetime.GalleryLoaded);
        Assert.Equal(25, lifetime.GalleryCount);
        Assert.Contains(logged, l => l.Contains("gallery loaded: 25 templates", StringComparison.Ordinal));
        Assert.Same(await lifetime.OpenAsync(), lifetime.Current);
        Assert.Same(await audit.OpenAsync(), await audit.OpenAsync());

        // A second process on the same database cannot become a second audit writer: its start-up fails.
        var second = Build(settings, []);
        Assert.IsType<ExclusiveRoleTakenException>((await Assert.ThrowsAsync<AuditUnavailableException>(() => second.StartAsync())).InnerException);
        await ((IAsyncDisposable)second).DisposeAsync();

        var sync = await lifetime.LoadGalleryAsync();
        var probe = RandomUnit(1000);
        var enrolled = await lifetime.EnrolAsync(Guid.NewGuid(), probe, Purposes.CheckIn, "model@1");
        Assert.Equal(26, lifetime.GalleryCount);
        Assert.Equal(enrolled.SubjectId, sync.Search(probe, new GalleryQuery(Purposes.CheckIn, TopK: 1, MinScore: 0.9f)).Single().SubjectId);
        Assert.NotNull(await lifetime.DeleteSubjectAsync(subjects[0], "po-1", DeletionReason.Withdrawn));
        Assert.Equal(25, lifetime.GalleryCount);
        var appended = await audit.AppendAsync(new AuditEntry("po-1", "privacy-officer", "subject.delete", Purposes.Operations, subjects[0].ToString(), "success", null, null, "corr-1", null));

        await host.StopAsync();
        await ((IAsyncDisposable)host).DisposeAsync();
        Assert.Null(lifetime.Current);

        // The chain signed its tail on the way out, while the store was still open.
        await using var store = await ProtectedStore.OpenAsync(Options(settings));
        var verification = await AuditVerifier.VerifyAsync(store.Database, store.Keys.ExportSigningPublicKey());
        Assert.True(verification.IsIntact, verification.Detail);
        Assert.Equal(appended.Sequence, verification.LastCheckpointedSequence);
        Assert.Equal(25, await store.Store.CountAsync("templates"));
    }

    private static float[] RandomUnit(int seed)
    {
        var random = new Random(seed);
        var vector = new float[FaceGallery.Dimension];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(random.NextDouble() - 0.5);
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return [.. vector.Select(v => v / norm)];
    }

    private static StorageOptions Options(Dictionary<string, string?> settings) => new()
    {
        Provider = settings.GetValueOrDefault("Storage:Provider") ?? "sqlite",
        Postgres = settings.GetValueOrDefault("Storage:Postgres"),
        DataDirectory = settings["Storage:DataDirectory"],
    };

    private static async Task<List<Guid>> EnrolAsync(Dictionary<string, string?> settings, int count)
    {
        await using var store = await ProtectedStore.OpenAsync(Options(settings));
        var subjects = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            subjects.Add((await store.Vault.EnrolAsync(Guid.NewGuid(), RandomUnit(i), Purposes.CheckIn, "model@1")).SubjectId);
        }

        return subjects;
    }

    private static IHost Build(Dictionary<string, string?> settings, List<string> logged)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        // The clinic is open all day: no after-hours alert joins the records, whatever time the test runs.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Audit:Alerts:ClinicOpens"] = "00:00", ["Audit:Alerts:ClinicCloses"] = "23:59:59.9999999" });
        builder.Logging.AddProvider(new ListLoggerProvider(logged));
        builder.Services.AddProtectedStore("Storage", loadGalleryAtStart: true);
        builder.Services.AddAuditLog("Audit");
        builder.Services.AddSingleton<IAuditTextScreen>(new DigitRunScreen());
        return builder.Build();
    }

    [Fact]
    public async Task AnAuditLogWithoutATextScreen_RefusesToOpen()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(await StorageSettingsAsync());
        builder.Services.AddProtectedStore("Storage");
        builder.Services.AddAuditLog("Audit");
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Services.GetRequiredService<AuditLog>().OpenAsync());
        Assert.Contains("text screen", refused.Message, StringComparison.Ordinal);
        await ((IAsyncDisposable)host).DisposeAsync();
    }

    /// <summary>A plain screen for this test (Visage.Deid's PHI screen is the one hosts register): six digits in a row look like a record number.</summary>
    private sealed partial class DigitRunScreen : IAuditTextScreen
    {
        public string? FindIdentifier(string text) => DigitRun().IsMatch(text) ? "RecordNumber" : null;

        [System.Text.RegularExpressions.GeneratedRegex("[0-9]{6}")]
        private static partial System.Text.RegularExpressions.Regex DigitRun();
    }

    private sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add(formatter(state, exception));
                }
            }
        }
    }
}

public sealed class SqliteHostCompositionTests : HostCompositionTests
{
    protected override Task<Dictionary<string, string?>> StorageSettingsAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Storage:DataDirectory"] = Data });
}

public sealed class PostgresHostCompositionTests(PostgresCluster cluster) : HostCompositionTests, IClassFixture<PostgresCluster>
{
    protected override async Task<Dictionary<string, string?>> StorageSettingsAsync() => new()
    {
        ["Storage:Provider"] = "postgres",
        ["Storage:Postgres"] = await cluster.CreateDatabaseAsync(),
        ["Storage:DataDirectory"] = Data,
    };
}
