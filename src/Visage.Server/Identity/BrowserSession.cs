using Microsoft.AspNetCore.Http;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;

namespace Visage.Server.Identity;

/// <summary>
/// The browser's hold on a staff session, the same for the API and the pages: the session token only in an HttpOnly,
/// Secure, SameSite=Strict cookie whose <c>__Host-</c> prefix pins it to this origin; signing out ends the session
/// server-side, audits it and drops the cookie.
/// </summary>
internal static class BrowserSession
{
    public static void Start(HttpResponse response, string sessionToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Append(CredentialResolver.SessionCookie, sessionToken, new CookieOptions { HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
    }

    /// <summary>Ends the caller's session (an API key has none), audited as <c>staff.sign-out</c>, and drops the cookie.</summary>
    public static async Task SignOutAsync(HttpContext context, StaffSessions sessions, AuditLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.Caller()!;
        if (caller.SessionToken is not null)
        {
            await sessions.EndAsync(caller.SessionToken, cancellationToken);
        }

        await AuditedOperation.RecordDoneAsync(log, context.Actor(), "staff.sign-out", Purposes.Operations, caller.SessionToken is null ? "an API key has no session" : "session ended");
        context.Response.Cookies.Delete(CredentialResolver.SessionCookie, new CookieOptions { Secure = true, Path = "/" });
    }
}
