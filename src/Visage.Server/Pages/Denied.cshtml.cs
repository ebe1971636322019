using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Server.Identity;

namespace Visage.Server.Pages;

/// <summary>Where the access gate sends a browser it refused (the refusal is audited there); answered 403.</summary>
[AnonymousPage("shows a fixed message for a refusal code and no data")]
internal sealed class DeniedModel : PageModel
{
    public string Message { get; private set; } = string.Empty;

    public void OnGet(string? reason)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Message = reason switch
        {
            IdentityCodes.CsrfMissing => "This form had expired or did not come from Visage. Go back, reload the page and try again.",
            IdentityCodes.PurposeOutOfScope => "This device is not set up for that purpose.",
            _ => "Your role does not allow this page. Ask an administrator if you need it.",
        };
    }
}
