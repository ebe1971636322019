using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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

    private Task<ServerHarness> StartAsync() => ServerHarness.StartAsync(Path.Combine(root.FullName, "data"), app =>
    {
        app.MapGet("/test/refused/{kind}", (RefusalKind kind) => Results.Text(Throw(new WorkflowRefusedException(RefusalCodes.ConsentWithdrawn, kind, "The person has withdrawn consent."))))
            .Declare(Permissions.Self, "test.refusal");
        app.MapGet("/test/fault", () => Results.Text(Throw(new InvalidOperationException(Secret))))
            .Declare(Permissions.Self, "test.fault");
    });

    private static string Throw(Exception exception) => throw exception;
}
