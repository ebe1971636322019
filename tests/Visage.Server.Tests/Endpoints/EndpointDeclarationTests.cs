using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Visage.Server.Endpoints;
using Visage.Server.Pages;

namespace Visage.Server.Tests.Endpoints;

/// <summary>An endpoint that declares neither its permission and audit action nor anonymity stops the server before it listens.</summary>
public sealed class EndpointDeclarationTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-decl-");

    public void Dispose() => root.Delete(recursive: true);

    [Fact]
    public async Task Start_WithAnUndeclaredEndpoint_FailsNamingIt()
    {
        await using var app = ServerHarness.Build(Path.Combine(root.FullName, "data"), a =>
        {
            a.MapGet("/api/v1/forgotten", () => "oops");
            a.MapGet("/api/v1/declared", () => "fine").Declare("subjects.read", "subject.details.read");
        });

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartVisageAsync());

        Assert.Contains("/api/v1/forgotten", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/api/v1/declared", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryMappedEndpoint_DeclaresItself()
    {
        var app = ServerHarness.Build(Path.Combine(root.FullName, "data"));
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.NotNull(e.Metadata.GetMetadata<EndpointDeclaration>()));
        // Anonymous by design: the probes, signing in and redeeming a setup link (whose token is the credential), and the
        // API's description (document and reference page), and the pages for the first two, for pairing a kiosk (its key is the credential) and for a refusal; nothing else.
        Assert.All(
            endpoints.Where(e => e.Metadata.GetMetadata<EndpointDeclaration>()!.IsAnonymous).Select(e => "/" + ((RouteEndpoint)e).RoutePattern.RawText!.TrimStart('/')),
            route => Assert.True(
                route is "/api/v1/session" or "/api/v1/setup" or PageRoutes.SignIn or PageRoutes.Setup or PageRoutes.Denied or PageRoutes.KioskPairing || route.StartsWith("/health/", StringComparison.Ordinal) || route.StartsWith("/openapi/", StringComparison.Ordinal) || route.StartsWith("/scalar", StringComparison.Ordinal),
                route));
    }
}
