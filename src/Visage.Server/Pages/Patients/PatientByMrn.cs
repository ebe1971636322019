using Microsoft.AspNetCore.Http;
using Visage.Server.People;
using Visage.Workflows.People;

namespace Visage.Server.Pages.Patients;

/// <summary>The desk pages' way to find a patient: by the MRN posted in a form, through the API's audited search.</summary>
internal static class PatientByMrn
{
    public const string NotFound = "No patient has this MRN. Check it, or register the patient first.";

    /// <summary>The patient's opaque id, or null when no one has <paramref name="mrn"/>; a malformed MRN is a refusal (audited).</summary>
    public static async Task<Guid?> FindAsync(string? mrn, PersonRegistry people, HttpContext context, CancellationToken cancellationToken) =>
        (await PeopleApi.FindAsync(new FindSubjectRequest(mrn), people, context, cancellationToken)).Value is { Matches: [var found, ..] } ? found.Id : null;
}
