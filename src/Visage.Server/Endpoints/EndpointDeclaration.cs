using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Visage.Gallery;

namespace Visage.Server.Endpoints;

/// <summary>
/// What every endpoint declares beside its route: the permission it requires and the audit action it records, or that
/// it is anonymous by design (and why). The server refuses to start with an endpoint that declares neither. A recognition
/// endpoint names its purpose too: an API key scoped to other purposes is refused there.
/// </summary>
public sealed record EndpointDeclaration(string? Permission, string? AuditAction, string? AnonymousBecause, Purposes Purpose = Purposes.None)
{
    public bool IsAnonymous => AnonymousBecause is not null;
}

public static class EndpointDeclarations
{
    /// <summary>The audit action of an endpoint that reads or changes no protected data (the caller's own roles, a key list).</summary>
    public const string NotAudited = "none: no protected data";

    /// <summary>The endpoint requires <paramref name="permission"/> and records <paramref name="auditAction"/>.</summary>
    public static TBuilder Declare<TBuilder>(this TBuilder builder, string permission, string auditAction, Purposes purpose = Purposes.None)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(permission);
        ArgumentException.ThrowIfNullOrWhiteSpace(auditAction);
        return builder.WithMetadata(new EndpointDeclaration(permission, auditAction, null, purpose));
    }

    /// <summary>The endpoint serves no protected data and needs no credentials (health probes); <paramref name="because"/> says why.</summary>
    public static TBuilder AnonymousByDesign<TBuilder>(this TBuilder builder, string because)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(because);
        return builder.WithMetadata(new EndpointDeclaration(null, null, because)).AllowAnonymous();
    }
}

/// <summary>Fails start-up, before the server listens, when any endpoint lacks its declaration, naming each one.</summary>
internal static class EndpointDeclarationCheck
{
    public static void Verify(IEndpointRouteBuilder routes)
    {
        var undeclared = routes.DataSources.SelectMany(d => d.Endpoints)
            .Where(e => e.Metadata.GetMetadata<EndpointDeclaration>() is null)
            .Select(e => e is RouteEndpoint route ? route.RoutePattern.RawText ?? e.DisplayName : e.DisplayName)
            .ToList();
        if (undeclared.Count > 0)
        {
            throw new InvalidOperationException(
                $"Every endpoint must declare its permission and audit action (Declare) or be anonymous by design (AnonymousByDesign); these declare neither: {string.Join(", ", undeclared)}.");
        }
    }
}
