using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Visage.Server.Identity;

namespace Visage.Server.Pages;

/// <summary>
/// Staff sign-in with user id, password and a TOTP code (or a recovery code): the same <see cref="StaffAccounts"/> as
/// the API, the session held by the browser only in its HttpOnly cookie.
/// </summary>
[AnonymousPage("signing in: the password and TOTP code are the credential")]
[EnableRateLimiting(IdentityApi.SignInLimit)]
internal sealed class SignInModel(StaffAccounts accounts) : PageModel
{
    [BindProperty]
    public string? UserId { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    /// <summary>Why the browser was sent here, in plain words (from a reason code; never echoed text).</summary>
    public string? Notice { get; private set; }

    public string? Error { get; private set; }

    public void OnGet(string? reason) => Notice = reason switch
    {
        IdentityCodes.SessionExpired => "Your session has ended: it was left unused for a while, or was signed out elsewhere. Please sign in again.",
        SignedOut => "You have signed out.",
        IdentityCodes.UnknownCredential => "Your session is no longer known. Please sign in again.",
        IdentityCodes.Unauthenticated => "Please sign in to open that page.",
        _ => null,
    };

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // One field takes either kind of code: six digits are a TOTP code, anything else a recovery code.
        var code = Code?.Trim() ?? string.Empty;
        var totp = code.Length == 6 && code.All(char.IsAsciiDigit) ? code : null;
        try
        {
            var (token, _) = await accounts.SignInAsync(UserId ?? string.Empty, Password ?? string.Empty, totp, totp is null && code.Length > 0 ? code : null, cancellationToken);
            BrowserSession.Start(Response, token);
            return LocalRedirect(PageRoutes.Home);
        }
        catch (IdentityRefusedException refused)
        {
            Error = refused.Message;
            return Page();
        }
    }

    /// <summary>The reason the sign-out page sends.</summary>
    public const string SignedOut = "signed-out";
}
