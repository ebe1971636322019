using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Server.Access;
using Visage.Server.Consent;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;

namespace Visage.Server.Pages.Officers;

/// <summary>
/// The privacy office's purpose approvals: the same handlers as <c>/api/v1/purposes</c>, so every decision needs a
/// rationale and is audited by the registry; a refusal is shown in the registry's own plain words.
/// </summary>
[PagePermission(Permissions.PurposesDecide, "purpose.approve")]
internal sealed class PurposesModel(PurposeRegistry purposes) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Rationale { get; set; }

    public IReadOnlyList<PurposeView> Purposes { get; private set; } = [];

    public string? Done { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await ListAsync(cancellationToken);

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken) =>
        DecideAsync(() => PurposesApi.ApproveAsync(Code ?? string.Empty, new PurposeDecisionRequest(Rationale), purposes, HttpContext, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken) =>
        DecideAsync(() => PurposesApi.RevokeAsync(Code ?? string.Empty, new PurposeDecisionRequest(Rationale), purposes, HttpContext, cancellationToken), cancellationToken);

    private async Task<IActionResult> DecideAsync(Func<Task<Microsoft.AspNetCore.Http.HttpResults.Created<PurposeDecisionView>>> decide, CancellationToken cancellationToken)
    {
        try
        {
            var decision = (await decide()).Value!;
            Done = $"The purpose {decision.Purpose} is {decision.Decision}.";
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
        }

        await ListAsync(cancellationToken);
        return Page();
    }

    private async Task ListAsync(CancellationToken cancellationToken) => Purposes = (await PurposesApi.ListAsync(purposes, cancellationToken)).Value!;
}
