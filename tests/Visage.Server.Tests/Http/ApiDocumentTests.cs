using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Visage.Server.Endpoints;

namespace Visage.Server.Tests.Http;

/// <summary>The OpenAPI document describes every API endpoint with its permission and problem answers; its reference page loads nothing from elsewhere.</summary>
public sealed partial class ApiDocumentTests : IAsyncLifetime
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-openapi-");
    private ServerHarness server = null!;

    public async Task InitializeAsync() => server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        root.Delete(recursive: true);
    }

    [Fact]
    public async Task TheDocument_ListsEveryApiEndpoint_WithItsPermissionAndProblemStatuses()
    {
        using var client = server.Client();
        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/v1/", StringComparison.Ordinal))
            // A multipart twin of a JSON endpoint shares its route and method: the JSON one describes both.
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription != true)
            .ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var declaration = endpoint.Metadata.GetMetadata<EndpointDeclaration>()!;
            var method = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods.Single().ToLowerInvariant();
            var route = RouteConstraint().Replace(endpoint.RoutePattern.RawText!, "}").TrimEnd('/');
            Assert.True(paths.TryGetProperty(route, out var path), route);
            var operation = path.GetProperty(method);
            Assert.Contains(declaration.IsAnonymous ? "No credentials" : $"`{declaration.Permission}`", operation.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.True(operation.GetProperty("responses").TryGetProperty("400", out _), endpoint.RoutePattern.RawText);
            Assert.Equal(!declaration.IsAnonymous, operation.GetProperty("responses").TryGetProperty("403", out _));
        }
    }

    [Fact]
    public async Task TheReferencePage_LoadsOnlyVisagesOwnScripts()
    {
        using var client = server.Client();
        using var page = await client.GetAsync(new Uri("/scalar/v1", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();
        var sources = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.NotEmpty(sources);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            using var script = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "/scalar/v1"), source));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        }
    }

    [GeneratedRegex(@":[a-z]+\}", RegexOptions.CultureInvariant)]
    private static partial Regex RouteConstraint();

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex ScriptSource();
}
