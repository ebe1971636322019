using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Visage.Server.Identity;

namespace Visage.Server.Pages;

/// <summary>
/// Redeems a setup link with the same <see cref="StaffAccounts"/> as the API. The token rides in the link's fragment,
/// which no browser sends: a script moves it into the form, so it travels only in the posted body. The answer shows the
/// TOTP seed (as a QR code and as text) and the recovery codes once; a first code then confirms MFA by signing in.
/// </summary>
[AnonymousPage("redeems a one-time setup link: the link's token is the credential")]
[EnableRateLimiting(IdentityApi.SignInLimit)]
internal sealed class SetupModel(StaffAccounts accounts) : PageModel
{
    [BindProperty]
    public string? Token { get; set; }

    [BindProperty]
    public string? UserId { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? PasswordAgain { get; set; }

    public string? Error { get; private set; }

    /// <summary>The new account's secrets, present only in the answer to a successful set-up.</summary>
    public AccountSetup? Done { get; private set; }

    public string QrSvg { get; private set; } = string.Empty;

    public string SecretInGroups { get; private set; } = string.Empty;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!string.Equals(Password, PasswordAgain, StringComparison.Ordinal))
        {
            Error = "The two passwords differ; type the same password twice.";
            return Page();
        }

        try
        {
            Done = await accounts.CompleteSetupAsync(Token ?? string.Empty, UserId ?? string.Empty, Password ?? string.Empty, cancellationToken);
        }
        catch (IdentityRefusedException refused)
        {
            Error = refused.Message;
            return Page();
        }

        QrSvg = TotpQrCode.Svg(Done.OtpAuthUri);
        SecretInGroups = string.Join(' ', Done.TotpSecret.Chunk(4).Select(c => new string(c)));
        return Page();
    }
}
