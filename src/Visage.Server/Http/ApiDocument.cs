using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Visage.Server.Endpoints;

namespace Visage.Server.Http;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and its browsable reference (<c>/scalar</c>, Scalar's page and script
/// served by Visage itself, no CDN, no web fonts). Both describe the API and carry no data, so they need no credentials.
/// Each operation lists the permission it requires and the problem types it can answer with.
/// </summary>
internal static class ApiDocument
{
    public const string Name = "v1";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Visage API",
                Version = "v1",
                Description = "Consent-bound face recognition for healthcare. Authenticate with `Authorization: Bearer <token>`: a staff session token from POST /api/v1/session (password and TOTP), or an API key (kiosks, integrations). Errors are RFC 7807 problem details whose `reason` is a stable code (type `urn:visage:problem:<code>`).",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var declaration = context.Description.ActionDescriptor.EndpointMetadata.OfType<EndpointDeclaration>().FirstOrDefault();
            if (declaration is null)
            {
                return Task.CompletedTask;
            }

            var access = declaration.IsAnonymous
                ? $"No credentials: {declaration.AnonymousBecause}."
                : $"Requires permission `{declaration.Permission}` (roles: {string.Join(", ", Access.Roles.All.Where(r => Access.RolePermissions.Grants(r, declaration.Permission!)))}). Audit action: `{declaration.AuditAction}`.";
            operation.Description = string.IsNullOrEmpty(operation.Description) ? access : $"{operation.Description}\n\n{access}";
            operation.Responses ??= new OpenApiResponses();
            foreach (var (status, why) in ProblemStatuses(declaration))
            {
                operation.Responses.TryAdd(status, new OpenApiResponse { Description = why + " (application/problem+json)" });
            }

            return Task.CompletedTask;
        });
    }

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi("/openapi/{documentName}.json").AnonymousByDesign("the API's description: no data");
        routes.MapScalarApiReference("/scalar", scalar => scalar.WithTitle("Visage API").WithOpenApiRoutePattern("/openapi/{documentName}.json").DisableDefaultFonts())
            .AnonymousByDesign("the API's browsable reference: no data");
        return routes;
    }

    private static IEnumerable<(string Status, string Why)> ProblemStatuses(EndpointDeclaration declaration)
    {
        yield return ("400", "Malformed or refused input; `reason` says which");
        if (!declaration.IsAnonymous)
        {
            yield return ("401", "No credential, or an expired session, a revoked or expired API key");
            yield return ("403", "The caller's roles do not hold the permission, the key's purpose scope does not cover it, a CSRF token is missing, or a rule refuses it");
        }

        yield return ("413", "The body is over the size limit");
        yield return ("415", "The content type is not accepted");
        yield return ("429", "Rate limit; see Retry-After");
        yield return ("503", "The audit log cannot be written, so nothing was done");
    }
}
