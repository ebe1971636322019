using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Workflows.Recognition;

namespace Visage.Server.Tests.Http;

/// <summary>
/// Errors as RFC 7807 problem details over real Kestrel: a workflow refusal keeps its reason code and its kind's status;
/// a fault is a 500 with a correlation id and nothing of its message. The endpoints that throw exist only in this test.
/// </summary>
public sealed class ProblemMappingTests : IDisposable
{
    private const string Secret = "Jane Example MRN-000123";
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-problems-");

    public void Dispose() => root.Delete(recursive: true);

    [Theory]
    [InlineData(RefusalKind.NotPermitted, HttpStatusCode.Forbidden)]
    [InlineData(RefusalKind.NotFound, HttpStatusCode.NotFound)]
    [InlineData(RefusalKind.BadInput, HttpStatusCode.BadRequest)]
    public async Task ARefusal_IsAProblemWithItsReasonCode_AndItsKindsStatus(RefusalKind kind, HttpStatusCode status)
    {
        await using var server = await StartAsync();
        using var client = await server.StaffClientAsync(Roles.Reviewer);

        using var response = await client.GetAsync(new Uri($"/test/refused/{kind}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("urn:visage:problem:consent-withdrawn", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal("consent-withdrawn", problem.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AFault_IsA500WithACorrelationId_AndNothingOfItsMessage()
    {
        await using var server = await StartAsync();
        using var client = await server.StaffClientAsync(Roles.Reviewer);

        using var response = await client.GetAsync(new Uri("/test/fault", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        using var problem = JsonDocument.Parse(body);
        Assert.Matches("^[0-9a-f]{12}$", problem.RootElement.GetProperty("correlationId").GetString());
        Assert.DoesNotContain("Jane", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task AnUnreadableBody_ToAnAuditedEndpoint_IsABadRequestProblem_AndOneRefusedRecord_WithoutItsContent()
    {
        await using var server = await StartAsync();
        using var client = await server.StaffClientAsync(Roles.Reviewer);

        using var malformed = await client.PostAsync(new Uri("/test/body", UriKind.Relative), new StringContent("{\"name\": \"Jane Example", System.Text.Encoding.UTF8, "application/json"));
        using var wrongType = await client.PostAsync(new Uri("/test/body", UriKind.Relative), new StringContent("name=Jane", System.Text.Encoding.UTF8, "text/plain"));
        var store = await server.Services.GetRequiredService<Visage.Storage.ProtectedStoreLifetime>().OpenAsync();
        var records = (await new Visage.Audit.AuditQueries(store.Database).ByActionAsync("test.body", 0, 100)).Records;

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("bad-request", JsonDocument.Parse(await malformed.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString());
        // A wrong content type is refused by routing before any endpoint (or the access gate) runs: nothing was touched.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal("application/problem+json", wrongType.Content.Headers.ContentType!.MediaType);
        Assert.Single(records);
        Assert.All(records, r => Assert.Equal(("refused", "bad-request", "reviewer"), (r.Outcome, r.Reason, r.ActorRole)));
        Assert.DoesNotContain(records, r => r.Reason!.Contains("Jane", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheFrameworksOwnAnswers_NoRouteAndWrongContentType_CarryAReasonCode()
    {
        await using var server = await StartAsync();
        using var client = await server.StaffClientAsync(Roles.Reviewer);

        using var noRoute = await client.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative));
        using var wrongType = await client.PostAsync(new Uri("/api/v1/staff", UriKind.Relative), new StringContent("userId=x", System.Text.Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.NotFound, noRoute.StatusCode);
        Assert.Equal("not-found", JsonDocument.Parse(await noRoute.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal("unsupported-media-type", JsonDocument.Parse(await wrongType.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString());
    }

    private Task<ServerHarness> StartAsync() => ServerHarness.StartAsync(Path.Combine(root.FullName, "data"), app =>
    {
        app.MapPost("/test/body", (Named body) => Results.Text(body.Name)).Declare(Permissions.Self, "test.body");
        app.MapGet("/test/refused/{kind}", (RefusalKind kind) => Results.Text(Throw(new WorkflowRefusedException(RefusalCodes.ConsentWithdrawn, kind, "The person has withdrawn consent."))))
            .Declare(Permissions.Self, "test.refusal");
        app.MapGet("/test/fault", () => Results.Text(Throw(new InvalidOperationException(Secret))))
            .Declare(Permissions.Self, "test.fault");
    });

    private static string Throw(Exception exception) => throw exception;

    internal sealed record Named(string Name);
}
