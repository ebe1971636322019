using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Audit;
using Visage.Server.Access;
using Visage.Server.Pages.Patients;
using Visage.Server.Recognition;
using Visage.Workflows.Enrolment;
using Visage.Workflows.People;
using Visage.Workflows.Recognition;

namespace Visage.Server.Pages.Enrolment;

/// <summary>
/// Enrols a consented patient's face through the API's own form handler (audited there): photos uploaded, or taken with
/// the camera by a small script that puts the frame into the same file input. A refused face comes back with its
/// reasons in plain words, a face like someone already enrolled with the news that a reviewer decides; nothing is kept then.
/// </summary>
[PagePermission(Permissions.Enrol, FaceEnrolment.Action)]
// The images stay in memory (the gate reads the form for its antiforgery check): by default a part over 64 KB is
// buffered to a temporary file, and a face must not reach the disk in clear.
[RequestFormLimits(MemoryBufferThreshold = (int)ServerServiceCollectionExtensions.MaxRequestBodyBytes)]
internal sealed class EnrolmentModel(PersonRegistry people, FaceEnrolment enrolment, AuditLog log) : PageModel
{
    [BindProperty]
    public string? Mrn { get; set; }

    [BindProperty]
    public Guid? SubjectId { get; set; }

    public string? Error { get; private set; }

    /// <summary>What was wrong with the face, in plain words (empty: nothing about the face).</summary>
    public IReadOnlyList<string> QualityReasons { get; private set; } = [];

    public EnrolmentResult? Result { get; private set; }

    public async Task OnPostFindAsync(CancellationToken cancellationToken)
    {
        try
        {
            SubjectId = await PatientByMrn.FindAsync(Mrn, people, HttpContext, cancellationToken);
            Mrn = null;
            Error = SubjectId is null ? PatientByMrn.NotFound : null;
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
        }
    }

    public void OnPostOpen() => Error = SubjectId is null ? "Find the patient first." : null;

    public async Task OnPostEnrolAsync(CancellationToken cancellationToken)
    {
        if (SubjectId is not { } subject)
        {
            Error = "Find the patient first.";
            return;
        }

        try
        {
            var answer = await RecognitionApi.EnrolFormAsync(subject, await Request.ReadFormAsync(cancellationToken), enrolment, log, HttpContext, cancellationToken);
            Result = answer.Result switch
            {
                Created<EnrolmentResult> created => created.Value,
                Accepted<EnrolmentResult> held => held.Value,
                _ => null,
            };
        }
        catch (WorkflowRefusedException refused)
        {
            Error = refused.Message;
            QualityReasons = CaptureWording.Reasons(refused);
        }
    }
}
