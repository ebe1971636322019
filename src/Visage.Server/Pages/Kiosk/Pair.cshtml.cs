using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Identity;

namespace Visage.Server.Pages.Kiosk;

/// <summary>
/// Pairs a kiosk browser: an administrator types a kiosk API key once; it is checked like any key and kept in an
/// HttpOnly, Secure, SameSite=Strict cookie until it expires (or is revoked, which ends the kiosk at its next request).
/// Audited, refused or done.
/// </summary>
[AnonymousPage("pairs a kiosk: the kiosk key typed in is the credential")]
[EnableRateLimiting(IdentityApi.SignInLimit)]
internal sealed class KioskPairingModel(ApiKeys keys, AuditLog log) : PageModel
{
    public const string Action = "kiosk.pair";

    [BindProperty]
    public string? DeviceKey { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var token = DeviceKey?.Trim() ?? string.Empty;
        var (key, refusal) = await keys.ResolveAsync(token, cancellationToken);
        if (key is null || !key.Roles.Contains(Roles.Kiosk, StringComparer.Ordinal))
        {
            var actor = key is null ? new AuditActor("unknown", "kiosk-pairing") : new AuditActor(CredentialResolver.KeyCallerId(key), string.Join(",", key.Roles));
            await AuditedOperation.RecordRefusedAsync(log, actor, Action, Purposes.Operations, refusal ?? IdentityCodes.ForbiddenRole);
            Error = key is null ? "This key is not known, or it was revoked or has expired." : "This key is not a kiosk's key; make one with the kiosk role.";
            return Page();
        }

        Response.Cookies.Append(CredentialResolver.KioskCookie, token, new CookieOptions { HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true, Expires = key.Expires });
        await AuditedOperation.RecordDoneAsync(log, new AuditActor(CredentialResolver.KeyCallerId(key), Roles.Kiosk), Action, Purposes.Operations, "kiosk browser paired");
        return LocalRedirect(PageRoutes.Kiosk);
    }
}
