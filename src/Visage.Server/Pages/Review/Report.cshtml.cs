using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Workflows.Review;

namespace Visage.Server.Pages.Review;

/// <summary>The override report as the API gives it: decision counts per reviewer and per model version (no subject, score or picture, so not audited, like the API's).</summary>
[PagePermission(Permissions.ReviewReport, EndpointDeclarations.NotAudited)]
internal sealed class OverrideReportModel(ReviewWorklist worklist) : PageModel
{
    public OverrideReport Report { get; private set; } = new([], []);

    public async Task OnGetAsync(CancellationToken cancellationToken) => Report = await worklist.OverrideReportAsync(cancellationToken);
}
