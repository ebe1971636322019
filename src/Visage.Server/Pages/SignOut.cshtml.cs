using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Identity;

namespace Visage.Server.Pages;

/// <summary>Ends the browser's session as the API's sign-out does (server-side, audited, cookie dropped).</summary>
[PagePermission(Permissions.Self, "staff.sign-out")]
internal sealed class SignOutModel(StaffSessions sessions, AuditLog log) : PageModel
{
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await BrowserSession.SignOutAsync(HttpContext, sessions, log, cancellationToken);
        return LocalRedirect(PageRoutes.SignInBecause(SignInModel.SignedOut));
    }
}
