using Microsoft.AspNetCore.Http;
using Visage.Audit;
using Visage.Gallery;

namespace Visage.Server.Access;

/// <summary>How a caller proved who they are.</summary>
public enum CredentialKind
{
    /// <summary>A staff session (password and TOTP), by bearer token or the session cookie.</summary>
    Session,

    /// <summary>A kiosk's or an integrating system's API key.</summary>
    ApiKey,
}

/// <summary>
/// Who is calling, resolved once per request from its credential: the id the audit log records, every role held now
/// (account roles and unexpired elevations), and for an API key the purposes it is scoped to. A credential a browser
/// holds in its HttpOnly cookie (a staff session, or a paired kiosk's key) is <see cref="CookieSecret"/>: the CSRF
/// token its changes carry derives from it.
/// </summary>
public sealed record Caller(string Id, CredentialKind Credential, IReadOnlyList<string> Roles, Purposes Scope, bool ByCookie, string? SessionToken, string? CookieSecret = null);

/// <summary>The request's caller and the actor the access gate chose for the endpoint (the role that grants it).</summary>
public static class CallerContext
{
    private static readonly object CallerKey = new();
    private static readonly object RefusalKey = new();
    private static readonly object ActorKey = new();
    private static readonly object DeclarationKey = new();

    public static Caller? Caller(this HttpContext context) => context?.Items[CallerKey] as Caller;

    /// <summary>
    /// Who acts, in the role that grants this endpoint's permission, for the audit log. Only endpoints behind the access
    /// gate have one; asking elsewhere is a bug in Visage.
    /// </summary>
    public static AuditActor Actor(this HttpContext context) =>
        context?.Items[ActorKey] as AuditActor ?? throw new InvalidOperationException("This endpoint runs without an authenticated actor; declare its permission.");

    /// <summary>The actor the access gate chose, or null before the gate (or on an anonymous endpoint).</summary>
    internal static AuditActor? ActorOrNull(this HttpContext context) => context.Items[ActorKey] as AuditActor;

    internal static string? CredentialRefusal(this HttpContext context) => context.Items[RefusalKey] as string;

    internal static void SetCaller(this HttpContext context, Caller? caller, string? refusal)
    {
        context.Items[CallerKey] = caller;
        context.Items[RefusalKey] = refusal;
    }

    internal static void SetActor(this HttpContext context, AuditActor actor, Endpoints.EndpointDeclaration declaration)
    {
        context.Items[ActorKey] = actor;
        context.Items[DeclarationKey] = declaration;
    }

    /// <summary>The declaration of the endpoint the gate let the actor into; kept because error handling clears the endpoint.</summary>
    internal static Endpoints.EndpointDeclaration? AdmittedTo(this HttpContext context) => context.Items[DeclarationKey] as Endpoints.EndpointDeclaration;
}
