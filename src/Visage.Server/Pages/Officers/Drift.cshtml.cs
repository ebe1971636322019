using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Server.Access;
using Visage.Server.Oversight;
using Visage.Workflows.Drift;

namespace Visage.Server.Pages.Officers;

/// <summary>The drift report of live operation: the same handler, and audit record, as <c>GET /api/v1/drift</c> (the configured window).</summary>
[PagePermission(Permissions.DriftRead, DriftMonitor.ReportAction)]
internal sealed class DriftModel(DriftMonitor monitor) : PageModel
{
    public DriftReport Report { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Report = (await DriftApi.ReportAsync(monitor, HttpContext, null, cancellationToken)).Value!;

    /// <summary>A check's verdict in plain words.</summary>
    public static string Says(DriftVerdict verdict) => verdict switch
    {
        DriftVerdict.Alert => "drifted: look into it",
        DriftVerdict.Pass => "within bounds",
        _ => "too few samples to judge",
    };
}
