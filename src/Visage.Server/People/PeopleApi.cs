using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Server.Http;
using Visage.Workflows.People;
using Visage.Workflows.Recognition;

namespace Visage.Server.People;

/// <summary>A person to register: who they are (<c>patient</c> or <c>staff</c>) and the record details, all optional, sealed at once.</summary>
public sealed record RegisterSubjectRequest(string? Kind, string? Name, DateOnly? BirthDate, string? Mrn, string? EhrPatientId);

/// <summary>An MRN to look up; it travels in a body, never in a URL.</summary>
public sealed record FindSubjectRequest(string? Mrn);

/// <summary>A person as Visage knows them without opening their record: the opaque id and nothing identifying.</summary>
public sealed record SubjectView(Guid Id, string Kind, bool HasMrn, DateTimeOffset Created, DateTimeOffset? LastSeen)
{
    internal static SubjectView Of(Person person) => new(person.Id, KindCode(person.Kind), person.HasMrn, person.Created, person.LastSeen);

    internal static string KindCode(PersonKind kind) => kind == PersonKind.Staff ? "staff" : "patient";
}

/// <summary>The person's opened record (PHI): only the audited details read returns it.</summary>
public sealed record SubjectDetailsView(Guid Id, string Kind, string? Name, DateOnly? BirthDate, string? Mrn, string? EhrPatientId);

/// <summary>The people a search found: none or one (an MRN is registered once).</summary>
public sealed record SubjectMatches(IReadOnlyList<SubjectView> Matches);

/// <summary>A signed deletion certificate as stored, and whether its signature verifies under the current signing key.</summary>
public sealed record DeletionCertificateView(Guid Id, Guid SubjectId, DateTimeOffset Issued, string Body, string Signature, bool SignatureValid)
{
    internal static DeletionCertificateView Of(CheckedCertificate certificate) =>
        new(certificate.Record.Id, certificate.Record.SubjectId, certificate.Record.Issued, certificate.Record.Body, Convert.ToBase64String(certificate.Record.Signature), certificate.Valid);
}

/// <summary>
/// Patients and staff under opaque ids, under <c>/api/v1/subjects</c>: registering, the person without details, the
/// audited details read, finding by MRN (a POST: the MRN never rides in a URL) and deletion certificates.
/// </summary>
internal static class PeopleApi
{
    private const string ReadAction = "subject.read";

    public static IEndpointRouteBuilder MapPeopleEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/subjects").WithTags("People");
        api.MapPost(string.Empty, RegisterAsync).Declare(Permissions.SubjectsRegister, "subject.add");
        api.MapPost("/search", FindAsync).Declare(Permissions.SubjectsRead, "subject.find-by-mrn");
        api.MapGet("/{id}", GetAsync).Declare(Permissions.SubjectsRead, ReadAction);
        api.MapGet("/{id}/details", DetailsAsync).Declare(Permissions.SubjectsRead, "subject.details.read");
        api.MapGet("/{id}/certificates", CertificatesAsync).Declare(Permissions.CertificatesRead, "subject.certificates.read");
        return routes;
    }

    internal static async Task<Created<SubjectView>> RegisterAsync(RegisterSubjectRequest request, PersonRegistry people, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var kind = request.Kind switch
        {
            "patient" => PersonKind.Patient,
            "staff" => PersonKind.Staff,
            _ => throw await AuditedBadInput.RefuseAsync(log, context, "subject.add", "The kind is required: patient or staff."),
        };
        var person = await people.AddAsync(context.Actor(), kind, new PersonDetails(request.Name, request.BirthDate, request.Mrn, request.EhrPatientId), cancellationToken);
        return TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/api/v1/subjects/{person.Id}"), SubjectView.Of(person));
    }

    /// <summary>The person's row holds nothing in clear, but which person was looked at, and when they were last seen, is still recorded.</summary>
    internal static async Task<Ok<SubjectView>> GetAsync(string id, PersonRegistry people, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var subject = await AuditedBadInput.SubjectIdAsync(id, log, context, ReadAction);
        if (await people.GetAsync(subject, cancellationToken) is not { } person)
        {
            await AuditedOperation.RecordRefusedAsync(log, context.Actor(), ReadAction, Purposes.Operations, RefusalCodes.UnknownSubject, subject.ToString());
            throw new WorkflowRefusedException(RefusalCodes.UnknownSubject, RefusalKind.NotFound, "No person has this id.");
        }

        await AuditedOperation.RecordDoneAsync(log, context.Actor(), ReadAction, Purposes.Operations, "person shown without details", subject: subject.ToString());
        return TypedResults.Ok(SubjectView.Of(person));
    }

    internal static async Task<Ok<SubjectDetailsView>> DetailsAsync(string id, PersonRegistry people, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var subject = await AuditedBadInput.SubjectIdAsync(id, log, context, "subject.details.read");
        // The registry audits the read, and an unknown id, itself.
        var details = await people.ReadDetailsAsync(context.Actor(), subject, cancellationToken);
        var person = await people.RequireAsync(subject, cancellationToken);
        return TypedResults.Ok(new SubjectDetailsView(person.Id, SubjectView.KindCode(person.Kind), details.Name, details.BirthDate, details.Mrn, details.EhrPatientId));
    }

    internal static async Task<Ok<SubjectMatches>> FindAsync(FindSubjectRequest request, PersonRegistry people, HttpContext context, CancellationToken cancellationToken)
    {
        // The registry refuses (and audits) a missing or malformed MRN, and audits the lookup with the person found.
        var person = await people.FindByMrnAsync(context.Actor(), request.Mrn ?? string.Empty, cancellationToken);
        return TypedResults.Ok(new SubjectMatches(person is null ? [] : [SubjectView.Of(person)]));
    }

    internal static async Task<Ok<List<DeletionCertificateView>>> CertificatesAsync(string id, PersonRegistry people, AuditedSubjects subjects, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        const string action = "subject.certificates.read";
        var subject = await AuditedBadInput.SubjectIdAsync(id, log, context, action);
        // A withdrawal shreds the biometric data but keeps the person, so their certificates are found under their id.
        if (await people.GetAsync(subject, cancellationToken) is null)
        {
            await AuditedOperation.RecordRefusedAsync(log, context.Actor(), action, Purposes.SecurityReview, RefusalCodes.UnknownSubject, subject.ToString());
            throw new WorkflowRefusedException(RefusalCodes.UnknownSubject, RefusalKind.NotFound, "No person has this id.");
        }

        var certificates = await subjects.CertificatesAsync(context.Actor(), subject, publicKey: null, cancellationToken);
        return TypedResults.Ok(certificates.Select(DeletionCertificateView.Of).ToList());
    }
}
