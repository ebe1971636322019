using Microsoft.AspNetCore.Http;
using Visage.Gallery;
using Visage.Server.Identity;

namespace Visage.Server.Access;

/// <summary>
/// Resolves the request's credential once: <c>Authorization: Bearer vs_…</c> (a staff session), <c>Bearer vk_…</c> (an
/// API key), or else the session cookie a browser holds, or else the key cookie of a paired kiosk. A credential that is
/// unknown, expired or revoked leaves no caller and a reason the access gate answers with (401); an anonymous endpoint
/// ignores it.
/// </summary>
internal sealed class CredentialResolver(RequestDelegate next)
{
    public const string SessionCookie = "__Host-visage-session";

    /// <summary>The kiosk's API key, set once by pairing (HttpOnly: the kiosk's pages and scripts never see it).</summary>
    public const string KioskCookie = "__Host-visage-kiosk";

    public async Task InvokeAsync(HttpContext context, StaffSessions sessions, StaffAccounts accounts, RoleElevations elevations, ApiKeys keys)
    {
        var (token, byCookie) = Presented(context.Request);
        if (token is not null)
        {
            var (caller, refusal) = token.StartsWith(SecretToken.ApiKeyPrefix, StringComparison.Ordinal)
                ? await ResolveKeyAsync(keys, token, byCookie, context.RequestAborted)
                : await ResolveSessionAsync(sessions, accounts, elevations, token, byCookie, context.RequestAborted);
            context.SetCaller(caller, refusal);
        }

        await next(context);
    }

    /// <summary>The id an API key acts under in the audit log.</summary>
    public static string KeyCallerId(ApiKey key) => "apikey-" + key?.Id;

    private static (string? Token, bool ByCookie) Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (header["Bearer ".Length..].Trim(), false);
        }

        return request.Cookies.TryGetValue(SessionCookie, out var cookie) && !string.IsNullOrEmpty(cookie) ? (cookie, true)
            : request.Cookies.TryGetValue(KioskCookie, out var kiosk) && kiosk.StartsWith(SecretToken.ApiKeyPrefix, StringComparison.Ordinal) ? (kiosk, true)
            : (null, false);
    }

    private static async Task<(Caller?, string?)> ResolveKeyAsync(ApiKeys keys, string token, bool byCookie, CancellationToken cancellationToken)
    {
        var (key, refusal) = await keys.ResolveAsync(token, cancellationToken);
        return key is null ? (null, refusal) : (new Caller(KeyCallerId(key), CredentialKind.ApiKey, key.Roles, key.Purposes, byCookie, null, byCookie ? token : null), null);
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
        return (new Caller(session.UserId, CredentialKind.Session, roles, Purposes.None, byCookie, token, byCookie ? token : null), null);
    }
}
