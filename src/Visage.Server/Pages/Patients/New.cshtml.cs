using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.People;
using Visage.Workflows.People;
using Visage.Workflows.Recognition;

namespace Visage.Server.Pages.Patients;

/// <summary>
/// Registers a patient through the API's own handler (audited there as <c>subject.add</c>): the details travel only in
/// the posted body and are sealed at once; the answer carries the opaque id on to the consent page in a form, never a URL.
/// </summary>
[PagePermission(Permissions.SubjectsRegister, "subject.add")]
internal sealed class NewModel(PersonRegistry people, AuditLog log) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public DateOnly? BirthDate { get; set; }

    [BindProperty]
    public string? Mrn { get; set; }

    [BindProperty]
    public string? EhrPatientId { get; set; }

    public string? Error { get; private set; }

    /// <summary>The registered patient's opaque id, present only in the answer to a successful registration.</summary>
    public Guid? Registered { get; private set; }

    public async Task OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            var created = await PeopleApi.RegisterAsync(new RegisterSubjectRequest("patient", Blank(Name), BirthDate, Blank(Mrn), Blank(EhrPatientId)), people, log, HttpContext, cancellationToken);
            Registered = created.Value!.Id;
            Name = Mrn = EhrPatientId = null;
            BirthDate = null;
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
        }
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
