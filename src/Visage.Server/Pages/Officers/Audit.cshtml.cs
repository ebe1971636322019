using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Oversight;
using Visage.Storage;
using Visage.Workflows.Recognition;

namespace Visage.Server.Pages.Officers;

/// <summary>
/// The officers' audit search and chain verification: the same handlers as <c>GET /api/v1/audit/records</c> and
/// <c>POST /api/v1/audit/verification</c>, so each search and check is recorded exactly as through the API. Forms are
/// POSTed, so a subject id never rides in a URL.
/// </summary>
[PagePermission(Permissions.AuditRead, AuditApi.RecordsAction)]
internal sealed class AuditModel(ProtectedStoreLifetime store, AuditLog log, IOptions<AuditChainOptions> audit, IOptions<StorageOptions> storage) : PageModel
{
    public const int PageSize = 50;

    /// <summary>What to filter by: none, actor, action or subject (one at a time, as the API allows).</summary>
    [BindProperty]
    public string Filter { get; set; } = "none";

    [BindProperty]
    public string? Value { get; set; }

    [BindProperty]
    public string? From { get; set; }

    [BindProperty]
    public string? To { get; set; }

    [BindProperty]
    public string? After { get; set; }

    public AuditRecordPage? Results { get; private set; }

    public AuditVerificationView? Verification { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var value = string.IsNullOrWhiteSpace(Value) ? null : Value.Trim();
        if (Filter is not ("none" or "actor" or "action" or "subject") || (Filter != "none" && value is null))
        {
            Error = "Choose what to search by, and type what to look for (or search everything in the time range).";
            return Page();
        }

        try
        {
            var found = await AuditApi.RecordsAsync(
                Filter == "subject" ? value : null,
                Filter == "actor" ? value : null,
                Filter == "action" ? value : null,
                Blank(From),
                Blank(To),
                Blank(After),
                PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                store,
                log,
                HttpContext,
                cancellationToken);
            Results = found.Value;
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostVerifyAsync(CancellationToken cancellationToken)
    {
        Verification = (await AuditApi.VerifyAsync(store, log, audit, storage, HttpContext, cancellationToken)).Value;
        return Page();
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
