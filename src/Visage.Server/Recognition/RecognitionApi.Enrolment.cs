using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Http;
using Visage.Workflows.Enrolment;
using Visage.Workflows.Recognition;

namespace Visage.Server.Recognition;

/// <summary>
/// Enrolment of 1 to 10 images (base64); a liveness response (nonce and frames) belongs to the first image. After a
/// reviewer rejected a duplicate suspicion about this person, name that review to enrol anyway.
/// </summary>
public sealed record EnrolmentRequest(IReadOnlyList<string>? Images, string? LivenessNonce = null, IReadOnlyList<string>? LivenessFrames = null, Guid? ClearedDuplicateReview = null);

internal static partial class RecognitionApi
{
    public const string ClearedDuplicateReviewField = "clearedDuplicateReview";

    /// <summary>201 enrolled; 202 held for a reviewer (the face looks like someone already enrolled: nothing stored).</summary>
    internal static async Task<Results<Created<EnrolmentResult>, Accepted<EnrolmentResult>>> EnrolJsonAsync(Guid id, EnrolmentRequest request, FaceEnrolment enrolment, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var captures = await CaptureInput.ReadAuditedAsync(context, log, FaceEnrolment.Action, Purposes.Operations, id, () => Task.FromResult(CaptureInput.FromJson(request.Images, request.LivenessNonce, request.LivenessFrames)));
        return await EnrolAsync(id, captures, request.ClearedDuplicateReview, enrolment, context, cancellationToken);
    }

    internal static async Task<Results<Created<EnrolmentResult>, Accepted<EnrolmentResult>>> EnrolFormAsync(Guid id, IFormCollection form, FaceEnrolment enrolment, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var (captures, cleared) = await CaptureInput.ReadAuditedAsync(context, log, FaceEnrolment.Action, Purposes.Operations, id, async () =>
            (await CaptureInput.ManyFromFormAsync(form, cancellationToken), FormFields.Id(form, ClearedDuplicateReviewField)));
        return await EnrolAsync(id, captures, cleared, enrolment, context, cancellationToken);
    }

    private static async Task<Results<Created<EnrolmentResult>, Accepted<EnrolmentResult>>> EnrolAsync(Guid id, IReadOnlyList<FaceCapture> captures, Guid? cleared, FaceEnrolment enrolment, HttpContext context, CancellationToken cancellationToken)
    {
        var result = await enrolment.EnrolAsync(context.Actor(), id, captures, cleared, cancellationToken);
        return result.Outcome == EnrolmentOutcome.Enrolled ? TypedResults.Created((string?)null, result) : TypedResults.Accepted((string?)null, result);
    }
}
