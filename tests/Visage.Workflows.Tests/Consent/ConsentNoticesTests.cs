using System.Security.Cryptography;
using System.Text;
using Visage.Audit;
using Visage.Storage;
using Visage.Storage.Tests;
using Visage.Workflows.Consent;

namespace Visage.Workflows.Tests.Consent;

/// <summary>Consent notice versions on a real store: exact text kept with its SHA-256, never edited, audited. SQLite and PostgreSQL.</summary>
public abstract class ConsentNoticesTests : StoreBackedTests
{
    private const string English = "Visage compares your face with the photo you agree to store, only to check you in. You may say no, and you may withdraw at any time at the desk.";
    private const string German = "Visage vergleicht Ihr Gesicht nur zum Einchecken. Sie können jederzeit widerrufen – am Empfang.";
    private static readonly AuditActor Officer = new("po-1", "privacy-officer");
    private ConsentNotices notices = null!;

    protected override IReadOnlyList<IAuditTextScreen> Screens { get; } = [new NothingToScreen()];

    protected override void CreateServices() => notices = new ConsentNotices(Store, Log, TimeProvider.System);

    [Fact]
    public async Task Add_KeepsTheExactTextAndItsHash_TheSameTextKeepsItsVersion_AChangedOneIsTheNext()
    {
        var first = await notices.AddAsync(Officer, English, "en");
        var again = await notices.AddAsync(Officer, English, "en");
        var german = await notices.AddAsync(Officer, German, "de");
        var revised = await notices.AddAsync(Officer, English + " Photos are deleted after 72 hours.", "en");

        Assert.Equal((1, 1, 2, 3), (first.Version, again.Version, german.Version, revised.Version));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(German)), german.Sha256);

        await ReopenAsync();
        Assert.Equal(German, (await notices.GetAsync(2))!.Text);
        Assert.Equal(3, (await notices.LatestAsync("en"))!.Version);
        Assert.Null(await notices.LatestAsync("fr"));
        Assert.Null(await notices.GetAsync(9));
        Assert.Equal([1, 2, 3], (await notices.ListAsync()).Select(n => n.Version));

        var records = await AuditAsync();
        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.Equal("consent.notice.add", r.Action));
        Assert.Equal($"version 2; sha256 {german.Sha256Hex}", records[3].Reason);
    }

    [Fact]
    public async Task ConcurrentAdds_EachGetTheirOwnVersion()
    {
        var added = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => notices.AddAsync(Officer, $"{English} Version {i}.", "en")));

        Assert.Equal([1, 2, 3, 4, 5, 6], added.Select(n => n.Version).Order());
        Assert.Equal(6, (await notices.ListAsync()).Count);
    }

    [Theory]
    [InlineData("", "en")]
    [InlineData("   ", "en")]
    [InlineData(English, "english")]
    [InlineData(English, "")]
    public async Task ANoticeWithoutTextOrWithABadLanguageTag_IsRefused_AndNothingIsStored(string text, string language)
    {
        await Assert.ThrowsAsync<ConsentNoticeException>(() => notices.AddAsync(Officer, text, language));

        Assert.Empty(await notices.ListAsync());
        Assert.Empty(await AuditAsync());
    }

    [Fact]
    public async Task ANoticeOverTheSizeLimit_IsRefused() =>
        await Assert.ThrowsAsync<ConsentNoticeException>(() => notices.AddAsync(Officer, new string('x', ConsentNotices.MaxTextBytes + 1), "en"));

    /// <summary>These records carry only versions and hashes; the PHI screen hosts use is tested in Visage.Deid.</summary>
    private sealed class NothingToScreen : IAuditTextScreen
    {
        public string? FindIdentifier(string text) => null;
    }
}

public sealed class SqliteConsentNoticesTests : ConsentNoticesTests
{
    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });
}

public sealed class PostgresConsentNoticesTests(PostgresCluster cluster) : ConsentNoticesTests, IClassFixture<PostgresCluster>
{
    protected override async Task<StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
