using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Server.Access;
using Visage.Server.Review;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Server.Pages.Review;

/// <summary>
/// One item opened for a decision: the probe picture beside each candidate with its score, the model version and the
/// reason. The item's id comes in the form's body (never the URL); the picture comes from the item's sealed probe
/// through <see cref="ReviewWorklist.ShowAsync"/> (audited as the API's "show") and is sent inline, never as a file or link.
/// </summary>
[PagePermission(Permissions.ReviewRead, ReviewApi.ShowAction)]
internal sealed class ReviewItemModel(ReviewWorklist worklist) : PageModel
{
    [BindProperty]
    public Guid Id { get; set; }

    public ReviewItem? Item { get; private set; }

    /// <summary>The probe as a data URI, or null once retention has shredded it.</summary>
    public string? ProbeImage { get; private set; }

    public string? Error { get; private set; }

    public bool MayDecide { get; private set; }

    /// <summary>Opened without a form (a bookmark, a reload): nothing is shown or decided; the page points back to the queue.</summary>
    public void OnGet() => Error = "Open an item from the review queue first.";

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (item, probe) = await worklist.ShowAsync(HttpContext.Actor(), Id, cancellationToken);
            Item = item;
            ProbeImage = probe is null ? null : DataUri(probe);
            MayDecide = item.Status == ReviewStatus.Open && RolePermissions.RoleFor(HttpContext.Caller()!.Roles, Permissions.ReviewDecide) is not null;
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
        }

        return Page();
    }

    // A PNG starts with 0x89 'P'; a capture is otherwise a JPEG.
    private static string DataUri(byte[] image) =>
        (image.Length > 1 && image[0] == 0x89 && image[1] == (byte)'P' ? "data:image/png;base64," : "data:image/jpeg;base64,") + Convert.ToBase64String(image);
}
