using Microsoft.AspNetCore.Http;
using Visage.Gallery;
using Visage.Server.Identity;

namespace Visage.Server.Access;

/// <summary>
/// Resolves the request's credential once: <c>Authorization: Bearer vs_…</c> (a staff session), <c>Bearer vk_…</c> (an
/// API key) or the session cookie a browser holds. A credential that is unknown, expired or revoked leaves no caller
/// and a reason the access gate answers with (401); an anonymous endpoint ignores it.
/// </summary>
internal sealed class CredentialResolver(RequestDelegate next)
{
    public const string SessionCookie = "__Host-visage-session";

    public async Task InvokeAsync(HttpContext context, StaffSessions sessions, StaffAccounts accounts, RoleElevations elevations, ApiKeys keys)
    {
        var (token, byCookie) = Presented(context.Request);
        if (token is not null)
        {
            var (caller, refusal) = token.StartsWith(SecretToken.ApiKeyPrefix, StringComparison.Ordinal)
                ? await ResolveKeyAsync(keys, token, context.RequestAborted)
                : await ResolveSessionAsync(sessions, accounts, elevations, token, byCookie, context.RequestAborted);
            context.SetCaller(caller, refusal);
        }

        await next(context);
    }

    private static (string? Token, bool ByCookie) Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (header["Bearer ".Length..].Trim(), false);
        }

        return request.Cookies.TryGetValue(SessionCookie, out var cookie) && !string.IsNullOrEmpty(cookie) ? (cookie, true) : (null, false);
    }

    private static async Task<(Caller?, string?)> ResolveKeyAsync(ApiKeys keys, string token, CancellationToken cancellationToken)
    {
        var (key, refusal) = await keys.ResolveAsync(token, cancellationToken);
        return key is null ? (null, refusal) : (new Caller($"apikey-{key.Id}", CredentialKind.ApiKey, key.Roles, key.Purposes, false, null), null);
    }

    private static async Task<(Caller?, string?)> ResolveSessionAsync(StaffSessions sessions, StaffAccounts accounts, RoleElevations elevations, string token, bool byCookie, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(SecretToken.SessionPrefix, StringComparison.Ordinal))
        {
            return (null, IdentityCodes.UnknownCredential);
        }

        var (session, refusal) = await sessions.ResolveAsync(token, cancellationToken);
        if (session is null)
        {
            return (null, refusal);
        }

        var account = await accounts.FindAsync(session.UserId, cancellationToken);
        if (account is null)
        {
            return (null, IdentityCodes.UnknownCredential);
        }

        var roles = account.Roles.Concat(await elevations.ActiveRolesAsync(session.UserId, cancellationToken)).Distinct(StringComparer.Ordinal).ToList();
        return (new Caller(session.UserId, CredentialKind.Session, roles, Purposes.None, byCookie, token), null);
    }
}
