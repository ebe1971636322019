using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Review;
using Visage.Workflows.Review;

namespace Visage.Server.Pages.Review;

/// <summary>The open review items, oldest first: what was asked, why, by which model, how long ago. Reading the list is audited as the API's.</summary>
[PagePermission(Permissions.ReviewRead, ReviewApi.ListAction)]
internal sealed class ReviewQueueModel(ReviewWorklist worklist, AuditLog log, TimeProvider time) : PageModel
{
    public IReadOnlyList<ReviewItem> Items { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Items = await ReviewApi.ListRecordedAsync(worklist, log, HttpContext.Actor(), ReviewStatus.Open, cancellationToken);
        Now = time.GetUtcNow();
    }
}
