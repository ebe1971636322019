using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Workflows.Recognition;

namespace Visage.Server.Pages.Kiosk;

/// <summary>
/// The check-in kiosk: camera preview, the liveness instruction in plain words, capture, and the result in plain words.
/// The page shows no data; its script calls the check-in API (audited there) with the kiosk's cookie and CSRF token.
/// </summary>
[PagePermission(Permissions.CheckIn, EndpointDeclarations.NotAudited, Purposes.CheckIn)]
internal sealed class KioskModel(IOptions<RecognitionOptions> recognition) : PageModel
{
    /// <summary>How long a result stays on screen before the kiosk clears it for the next person.</summary>
    public const int ClearAfterSeconds = 10;

    public string CsrfToken { get; private set; } = string.Empty;

    public bool LivenessRequired { get; private set; }

    public void OnGet()
    {
        // Only a credential held in a cookie needs the token; a bearer caller (a test, a script) sends none.
        CsrfToken = HttpContext.Caller()!.CookieSecret is { } secret ? Access.CsrfToken.For(secret) : string.Empty;
        LivenessRequired = recognition.Value.RequireActiveLiveness;
    }
}
