using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Review;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Server.Pages.Review;

/// <summary>A reviewer's decision on one item, by the same <see cref="ReviewWorklist.DecideAsync"/> as the API (audited there); the outcome in plain words.</summary>
[PagePermission(Permissions.ReviewDecide, ReviewApi.DecideAction)]
internal sealed class ReviewDecisionModel(ReviewWorklist worklist, AuditLog log) : PageModel
{
    [BindProperty]
    public Guid Id { get; set; }

    [BindProperty]
    public string? Decision { get; set; }

    [BindProperty]
    public Guid? Subject { get; set; }

    public ReviewItem? Decided { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Opened without a form (a bookmark, a reload): nothing is shown or decided; the page points back to the queue.</summary>
    public void OnGet() => Error = "Open an item from the review queue first.";

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            var decision = await ReviewApi.DecisionAsync(Decision, log, HttpContext);
            Decided = await worklist.DecideAsync(HttpContext.Actor(), Id, decision, decision == ReviewDecision.ChooseOther ? Subject : null, cancellationToken);
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
        }

        return Page();
    }
}
