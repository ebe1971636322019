using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Consent;
using Visage.Server.Pages.Patients;
using Visage.Workflows.Consent;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;
using Visage.Workflows.Retention;

namespace Visage.Server.Pages.Consent;

/// <summary>
/// A patient's consent at the desk, through the API's own handlers (audited there): find the patient by MRN (posted),
/// read them the current notice, record the purposes they chose, hand them a PDF copy, or withdraw or restrict their
/// consent and show the deletion certificate. The patient's opaque id travels in forms only, never in a URL.
/// </summary>
[PagePermission(Permissions.ConsentRecord, "consent.grant")]
internal sealed class ConsentModel(
    PersonRegistry people,
    ConsentRegistry consents,
    ConsentNotices notices,
    PurposeRegistry purposes,
    AuditLog log,
    TimeProvider time,
    IOptions<RetentionOptions> retention) : PageModel
{
    [BindProperty]
    public string? Mrn { get; set; }

    [BindProperty]
    public Guid? SubjectId { get; set; }

    [BindProperty]
    public int? NoticeVersion { get; set; }

    [BindProperty]
    public List<string> Purposes { get; set; } = [];

    [BindProperty]
    public string? Method { get; set; }

    [BindProperty]
    public string? GivenBy { get; set; }

    [BindProperty]
    public bool Acknowledged { get; set; }

    [BindProperty]
    public Guid? ConsentId { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public string? Error { get; private set; }

    public NoticeView? Notice { get; private set; }

    /// <summary>The approved purposes: the only ones a patient is asked about.</summary>
    public IReadOnlyList<string> Offered { get; private set; } = [];

    public ConsentView? InForce { get; private set; }

    public ConsentView? Granted { get; private set; }

    public ConsentWithdrawal? Withdrawn { get; private set; }

    public string RetentionText => ConsentWording.Retention(retention.Value);

    public Task OnPostFindAsync(CancellationToken cancellationToken) => RefusedAsMessageAsync(async () =>
    {
        SubjectId = await PatientByMrn.FindAsync(Mrn, people, HttpContext, cancellationToken);
        Mrn = null;
        if (SubjectId is null)
        {
            Error = PatientByMrn.NotFound;
            return;
        }

        await OpenAsync(cancellationToken);
    }, reopen: false, cancellationToken);

    public Task OnPostOpenAsync(CancellationToken cancellationToken) => RefusedAsMessageAsync(() => OpenAsync(cancellationToken), reopen: false, cancellationToken);

    public Task OnPostGrantAsync(CancellationToken cancellationToken) => RefusedAsMessageAsync(async () =>
    {
        if (!Acknowledged)
        {
            Error = "The patient must confirm they have read the notice and agree.";
            await OpenAsync(cancellationToken);
            return;
        }

        if (Purposes.Count == 0)
        {
            Error = "Tick at least one purpose the patient agrees to, or record no consent.";
            await OpenAsync(cancellationToken);
            return;
        }

        var request = new GrantConsentRequest(NoticeVersion, Purposes, Method, GivenBy, EvidenceSha256: null, Expires: null);
        Granted = (await ConsentApi.GrantAsync(Subject.ToString(), request, consents, log, HttpContext, cancellationToken)).Value;
    }, reopen: true, cancellationToken);

    public Task OnPostWithdrawAsync(CancellationToken cancellationToken) => RefusedAsMessageAsync(
        async () => Withdrawn = (await ConsentApi.WithdrawAsync(Subject.ToString(), new WithdrawConsentRequest(Reason), consents, log, HttpContext, cancellationToken)).Value,
        reopen: true,
        cancellationToken);

    /// <summary>The patient's PDF copy of one of their consents: read back through the audited history, named without anything about them.</summary>
    public async Task<IActionResult> OnPostCopyAsync(CancellationToken cancellationToken)
    {
        try
        {
            var history = (await ConsentApi.HistoryAsync(Subject.ToString(), people, consents, log, time, HttpContext, cancellationToken)).Value!;
            var consent = history.History.FirstOrDefault(c => c.Id == ConsentId)
                ?? throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.NotFound, "This patient has no such consent.");
            var notice = (await ConsentApi.NoticeAsync(consent.NoticeVersion, notices, cancellationToken)).Value!;
            var pdf = ConsentCopy.Write(new ConsentCopyContent(
                consent.Id,
                consent.NoticeVersion,
                notice.Text,
                consent.Purposes.Select(ConsentWording.Purpose).ToList(),
                consent.Granted,
                ConsentWording.Method(consent.Method),
                RetentionText,
                ConsentWording.HowToWithdraw));
            return File(pdf, "application/pdf", "consent-copy.pdf");
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
            return Page();
        }
    }

    private Guid Subject => SubjectId ?? throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, "Find the patient first.");

    /// <summary>The patient's consent in force (an audited read, as the API's), the current notice and the approved purposes.</summary>
    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        var history = (await ConsentApi.HistoryAsync(Subject.ToString(), people, consents, log, time, HttpContext, cancellationToken)).Value!;
        InForce = history.InForce;
        Notice = (await ConsentApi.CurrentNoticeAsync(null, notices, cancellationToken)).Value;
        Offered = (await PurposesApi.ListAsync(purposes, cancellationToken)).Value!.Where(p => p.Approved).Select(p => p.Code).ToList();
    }

    /// <summary>A refusal becomes a plain message on the page; where a patient was open, their form is shown again.</summary>
    private async Task RefusedAsMessageAsync(Func<Task> act, bool reopen, CancellationToken cancellationToken)
    {
        try
        {
            await act();
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
            if (reopen && SubjectId is not null)
            {
                try
                {
                    await OpenAsync(cancellationToken);
                }
                catch (WorkflowRefusedException again)
                {
                    Error = again.Message;
                }
            }
        }
    }
}
