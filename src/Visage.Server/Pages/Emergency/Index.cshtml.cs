using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Recognition;
using Visage.Workflows.Emergency;
using Visage.Workflows.Recognition;

namespace Visage.Server.Pages.Emergency;

/// <summary>
/// Emergency identification for a clinician: a photo and a break-glass reason from the closed list, sent through the
/// API's own form handler (same checks, same audit, same break-glass alert). The candidates come back as a review item:
/// none is accepted until the clinician confirms one on the review item page.
/// </summary>
[PagePermission(Permissions.EmergencyIdentify, EmergencyIdentification.Action, Purposes.EmergencyIdentification)]
internal sealed class EmergencyModel(EmergencyIdentification identification, AuditLog log) : PageModel
{
    /// <summary>The closed list of reasons, in plain words.</summary>
    public static IReadOnlyList<(string Code, string Words)> Reasons { get; } =
    [
        (BreakGlassReason.Unresponsive.ToCode(), "The patient is unresponsive"),
        (BreakGlassReason.AlteredMentalStatus.ToCode(), "The patient is confused or disoriented"),
        (BreakGlassReason.UnidentifiedTrauma.ToCode(), "Trauma patient without identification"),
        (BreakGlassReason.CannotCommunicate.ToCode(), "The patient cannot communicate"),
    ];

    public EmergencyCandidates? Found { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            var form = await Request.ReadFormAsync(cancellationToken);
            Found = (await RecognitionApi.IdentifyFormAsync(form, identification, log, HttpContext, cancellationToken)).Value;
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
        }

        return Page();
    }
}
