using System.Net;
using System.Net.Http.Json;
using Visage.Server.Health;

namespace Visage.Server.Tests.Health;

/// <summary>Readiness names each component and its state, nothing else, over real Kestrel.</summary>
public sealed class HealthApiTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-health-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task Ready_WithTheStoreKeysModelsAndAuditWriterUp_IsReady()
    {
        await using var server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));
        using var client = server.Client();

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var report = await response.Content.ReadFromJsonAsync<HealthReport>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", report!.Status);
        Assert.Equal(["audit", "database", "keys", "models"], report.Checks.Keys.Order(StringComparer.Ordinal));
        Assert.All(report.Checks.Values, state => Assert.Equal("ok", state));
    }

    [Fact]
    public async Task ASecondServer_OnTheSameDatabase_IsRefusedAtStart_ByTheAuditWriterLock()
    {
        var data = Path.Combine(root.FullName, "data");
        await using var first = await ServerHarness.StartAsync(data);
        // A second server on the same database cannot be the audit writer: its start-up fails (one writer per database).
        await using var second = ServerHarness.Build(data);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => second.StartVisageAsync());

        Assert.Contains("audit", refused.Message, StringComparison.OrdinalIgnoreCase);
    }
}
