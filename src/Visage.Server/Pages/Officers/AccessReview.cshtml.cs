using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Identity;

namespace Visage.Server.Pages.Officers;

/// <summary>The periodic entitlement review (staff accounts, elevations, keys): the same handler, and audit record, as <c>GET /api/v1/access-review</c>.</summary>
[PagePermission(Permissions.AccessReview, "access-review.read")]
internal sealed class AccessReviewModel(StaffAccounts accounts, ApiKeys keys, RoleElevations elevations, AuditLog log, TimeProvider time) : PageModel
{
    public AccessReview Review { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Review = (await IdentityApi.AccessReviewAsync(accounts, keys, elevations, log, HttpContext, time, cancellationToken)).Value!;
}
