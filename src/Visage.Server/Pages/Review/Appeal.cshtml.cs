using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Review;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Server.Pages.Review;

/// <summary>
/// A patient's appeal of a decision, recorded by a privacy officer as the API does (<see cref="ReviewWorklist.AppealAsync"/>,
/// audited there): the decided items not yet appealed, each with upheld / overturned.
/// </summary>
[PagePermission(Permissions.ReviewAppeal, ReviewApi.AppealAction)]
internal sealed class ReviewAppealModel(ReviewWorklist worklist, AuditLog log) : PageModel
{
    [BindProperty]
    public Guid Id { get; set; }

    [BindProperty]
    public string? Outcome { get; set; }

    public IReadOnlyList<ReviewItem> Decided { get; private set; } = [];

    public ReviewItem? Appealed { get; private set; }

    public string? Error { get; private set; }

    public Task OnGetAsync(CancellationToken cancellationToken) => ListAsync(cancellationToken);

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            Appealed = await worklist.AppealAsync(HttpContext.Actor(), Id, await ReviewApi.OverturnedAsync(Outcome, log, HttpContext), cancellationToken);
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
        }

        await ListAsync(cancellationToken);
    }

    private async Task ListAsync(CancellationToken cancellationToken) =>
        Decided = (await ReviewApi.ListRecordedAsync(worklist, log, HttpContext.Actor(), null, cancellationToken))
            .Where(i => i.Status != ReviewStatus.Open && i.Appealed is null).ToList();
}
