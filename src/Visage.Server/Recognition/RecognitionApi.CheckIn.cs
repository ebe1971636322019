using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Http;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Emergency;
using Visage.Workflows.Recognition;

namespace Visage.Server.Recognition;

/// <summary>
/// Check-in by face: 1:1 against <see cref="ClaimedSubject"/> (a scanned card, an MRN looked up first), or 1:N over
/// <see cref="Candidates"/> (the people expected now).
/// </summary>
public sealed record CheckInRequest(string? Image, string? LivenessNonce = null, IReadOnlyList<string>? LivenessFrames = null, Guid? ClaimedSubject = null, IReadOnlyList<Guid>? Candidates = null) : ICaptureBody;

/// <summary>
/// What the kiosk or desk shows: the outcome and its message; the subject only when accepted (a weak match is for a
/// member of staff to confirm, not for the kiosk to show); the review a person decides.
/// </summary>
public sealed record CheckInResponse(CheckInOutcome Outcome, string Message, Guid? SubjectId, float? Score, Guid? ReviewId, bool IdentityMismatch, string ModelVersion)
{
    internal static CheckInResponse Of(CheckInResult result) =>
        new(result.Outcome, result.Message, result.Outcome == CheckInOutcome.Accepted ? result.SubjectId : null, result.Score, result.ReviewId, result.IdentityMismatch, result.ModelVersion);
}

/// <summary>Break-glass identification of a patient who cannot identify themselves; <see cref="Reason"/> is one of the typed codes.</summary>
public sealed record EmergencyIdentificationRequest(string? Image, string? Reason);

internal static partial class RecognitionApi
{
    public const string ClaimedSubjectField = "claimedSubject";
    public const string CandidatesField = "candidates";
    public const string ReasonField = "reason";

    internal static async Task<Ok<CheckInResponse>> CheckInJsonAsync(CheckInRequest request, PatientCheckIn checkIn, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var capture = await CaptureInput.ReadAuditedAsync(context, log, PatientCheckIn.Action, Purposes.CheckIn, request.ClaimedSubject, () => Task.FromResult(CaptureInput.FromJson(request)));
        return TypedResults.Ok(CheckInResponse.Of(await checkIn.CheckInAsync(context.Actor(), capture, request.ClaimedSubject, request.Candidates, cancellationToken)));
    }

    internal static async Task<Ok<CheckInResponse>> CheckInFormAsync(IFormCollection form, PatientCheckIn checkIn, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var (capture, claimed, candidates) = await CaptureInput.ReadAuditedAsync(context, log, PatientCheckIn.Action, Purposes.CheckIn, null, async () =>
            (await CaptureInput.FromFormAsync(form, cancellationToken), FormFields.Id(form, ClaimedSubjectField), FormFields.Ids(form, CandidatesField)));
        return TypedResults.Ok(CheckInResponse.Of(await checkIn.CheckInAsync(context.Actor(), capture, claimed, candidates, cancellationToken)));
    }

    /// <summary>The candidates with scores, held as a review item a clinician confirms; every use raises a break-glass alert.</summary>
    internal static async Task<Ok<EmergencyCandidates>> IdentifyJsonAsync(EmergencyIdentificationRequest request, EmergencyIdentification identification, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var (capture, reason) = await CaptureInput.ReadAuditedAsync(context, log, EmergencyIdentification.Action, Purposes.EmergencyIdentification, null, () =>
            Task.FromResult((CaptureInput.FromJson(request.Image), ParseReason(request.Reason))));
        return TypedResults.Ok(await identification.IdentifyAsync(context.Actor(), capture, reason, cancellationToken));
    }

    internal static async Task<Ok<EmergencyCandidates>> IdentifyFormAsync(IFormCollection form, EmergencyIdentification identification, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var (capture, reason) = await CaptureInput.ReadAuditedAsync(context, log, EmergencyIdentification.Action, Purposes.EmergencyIdentification, null, async () =>
            (await CaptureInput.FromFormAsync(form, cancellationToken), ParseReason(FormFields.Text(form, ReasonField))));
        return TypedResults.Ok(await identification.IdentifyAsync(context.Actor(), capture, reason, cancellationToken));
    }

    private static BreakGlassReason ParseReason(string? code) =>
        BreakGlassReasonCodes.TryParse(code, out var reason)
            ? reason
            : throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, $"A break-glass reason is one of {string.Join(", ", BreakGlassReasonCodes.All)}.");
}
