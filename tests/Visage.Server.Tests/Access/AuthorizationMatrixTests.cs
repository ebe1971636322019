using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Server.Identity;
using Visage.Server.Pages;
using Visage.Server.Tests.Identity;

namespace Visage.Server.Tests.Access;

/// <summary>
/// The whole authorization matrix, walked from the endpoint data source (so a new endpoint cannot escape it): every
/// declared endpoint × every role over real HTTPS is either let through (whatever the handler then says about the
/// empty request) or refused 403 forbidden-role, exactly as <see cref="RolePermissions"/> says; and 401 without credentials.
/// Pages walk the same matrix: a refused page sends the browser to the refusal page, and without credentials to sign-in.
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-matrix-");
    private ServerHarness server = null!;

    public async Task InitializeAsync() => server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"));

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        root.Delete(recursive: true);
    }

    [Fact]
    public async Task EveryEndpoint_ForEveryRole_IsAllowedOrForbidden_AsTheMatrixSays()
    {
        var endpoints = DeclaredEndpoints();
        var failures = new List<string>();
        foreach (var role in Roles.All)
        {
            // Device roles hold every recognition purpose here, so only the role decides; purpose scope is tested apart.
            using var client = Roles.IsDevice(role) ? await server.KeyClientAsync(Purposes.Recognition, role) : await server.StaffClientAsync(role);
            foreach (var (endpoint, declaration) in endpoints)
            {
                using var response = await SendAsync(client, endpoint);
                var (refusedByGate, reason) = await GateOutcomeAsync(response, endpoint);
                var allowed = RolePermissions.Grants(role, declaration.Permission!);
                if (allowed == refusedByGate || (!allowed && reason != IdentityCodes.ForbiddenRole))
                {
                    failures.Add($"{role} {Describe(endpoint)}: expected {(allowed ? "allowed" : "403 forbidden-role")}, got {(int)response.StatusCode} {reason}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task EveryEndpoint_WithoutCredentials_Is401_AndWithAnUnknownToken_Too()
    {
        using var anonymous = server.Client();
        using var forged = server.Client();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "vs_not-a-session-anyone-was-given");
        var failures = new List<string>();
        foreach (var (endpoint, _) in DeclaredEndpoints())
        {
            using var none = await SendAsync(anonymous, endpoint);
            using var unknown = await SendAsync(forged, endpoint);
            if (!IsSignInAnswer(none, endpoint, IdentityCodes.Unauthenticated) || await GateOutcomeAsync(none, endpoint) != (true, IdentityCodes.Unauthenticated))
            {
                failures.Add($"anonymous {Describe(endpoint)}: {(int)none.StatusCode}");
            }

            if (!IsSignInAnswer(unknown, endpoint, IdentityCodes.UnknownCredential) || await GateOutcomeAsync(unknown, endpoint) != (true, IdentityCodes.UnknownCredential))
            {
                failures.Add($"unknown token {Describe(endpoint)}: {(int)unknown.StatusCode}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public void EveryPermissionARoleHolds_IsRequiredBySomeEndpoint()
    {
        var required = DeclaredEndpoints().Select(e => e.Declaration.Permission!).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain(RolePermissions.Known, p => !required.Contains(p));
    }

    /// <summary>Every endpoint that needs credentials, signing out last (it ends the client's session).</summary>
    private List<(RouteEndpoint Endpoint, EndpointDeclaration Declaration)> DeclaredEndpoints() =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Declaration: e.Metadata.GetMetadata<EndpointDeclaration>()!))
            .Where(e => !e.Declaration.IsAnonymous)
            .OrderBy(e => e.Endpoint.RoutePattern.RawText == "/api/v1/session" && Method(e.Endpoint) == "DELETE")
            .ThenBy(e => e.Endpoint.RoutePattern.RawText, StringComparer.Ordinal)
            .ToList();

    /// <summary>The endpoint's method and route with each parameter replaced by a value nothing holds, and an empty body of the kind it accepts.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, RouteEndpoint endpoint)
    {
        var path = new StringBuilder();
        foreach (var segment in endpoint.RoutePattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                    _ => Guid.NewGuid().ToString(),
                });
            }
        }

        using var request = new HttpRequestMessage(new HttpMethod(Method(endpoint)), new Uri(path.ToString(), UriKind.Relative));
        if (Method(endpoint) is "POST" or "PUT" or "PATCH")
        {
            var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [];
            request.Content = accepts.Any(t => t.StartsWith("multipart/", StringComparison.Ordinal))
                ? new MultipartFormDataContent { { new StringContent("none"), "placeholder" } }
                : JsonContent.Create(new { });
        }

        return await client.SendAsync(request);
    }

    /// <summary>A page (any method; its handlers choose) is opened with GET, as a browser would.</summary>
    private static string Method(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Single() ?? "GET";

    private static bool IsPage(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<BrowserPage>() is not null;

    /// <summary>
    /// Whether the access gate refused, and its reason: for the API a 401, or a 403 with a gate's reason code; for a page,
    /// the redirect to the sign-in or refusal page (the client follows it), whose query names the reason.
    /// </summary>
    private static async Task<(bool Refused, string? Reason)> GateOutcomeAsync(HttpResponseMessage response, RouteEndpoint endpoint)
    {
        if (IsPage(endpoint))
        {
            var landed = response.RequestMessage!.RequestUri!;
            var reason = System.Web.HttpUtility.ParseQueryString(landed.Query)["reason"];
            return landed.AbsolutePath is PageRoutes.SignIn or PageRoutes.Denied ? (true, reason) : (false, null);
        }

        var code = await ReasonOrNullAsync(response);
        return response.StatusCode == HttpStatusCode.Unauthorized || (response.StatusCode == HttpStatusCode.Forbidden && code is IdentityCodes.ForbiddenRole or IdentityCodes.PurposeOutOfScope or IdentityCodes.CsrfMissing)
            ? (true, code)
            : (false, code);
    }

    /// <summary>Without a credential the API answers 401, and a page sends the browser to sign in.</summary>
    private static bool IsSignInAnswer(HttpResponseMessage response, RouteEndpoint endpoint, string reason) =>
        IsPage(endpoint)
            ? response.RequestMessage!.RequestUri!.PathAndQuery == PageRoutes.SignInBecause(reason) && response.StatusCode == HttpStatusCode.OK
            : response.StatusCode == HttpStatusCode.Unauthorized;

    private static string Describe(RouteEndpoint endpoint) => $"{Method(endpoint)} {endpoint.RoutePattern.RawText}";

    private static async Task<string?> ReasonOrNullAsync(HttpResponseMessage response)
    {
        var media = response.Content.Headers.ContentType?.MediaType;
        return media is "application/problem+json" ? await SignInTests.ReasonAsync(response) : null;
    }
}
