using System.Globalization;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Workflows.Emergency;

/// <summary>Why a clinician breaks the glass: a closed set of codes, never free text (the record is kept in clear for years).</summary>
public enum BreakGlassReason
{
    Unresponsive,
    AlteredMentalStatus,
    UnidentifiedTrauma,
    CannotCommunicate,
}

public static class BreakGlassReasonCodes
{
    public static string ToCode(this BreakGlassReason reason) => reason switch
    {
        BreakGlassReason.Unresponsive => "unresponsive",
        BreakGlassReason.AlteredMentalStatus => "altered-mental-status",
        BreakGlassReason.UnidentifiedTrauma => "unidentified-trauma",
        BreakGlassReason.CannotCommunicate => "cannot-communicate",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    public static IReadOnlyList<string> All { get; } = Enum.GetValues<BreakGlassReason>().Select(r => r.ToCode()).ToArray();

    public static bool TryParse(string? code, out BreakGlassReason reason) => CodeTable.TryParse(code, ToCode, out reason);
}

/// <summary>The candidates for a clinician to confirm, held as a review item (nothing is linked until one is confirmed).</summary>
public sealed record EmergencyCandidates(Guid ReviewId, IReadOnlyList<ReviewCandidate> Candidates, string ModelVersion);

/// <summary>
/// Identifying a patient who cannot identify themselves: 1:N over people consented to emergency identification only,
/// as break-glass with a typed reason. Returns the top candidates with scores as a review item a clinician confirms
/// (<see cref="ReviewWorklist.DecideAsync"/>); every use raises a break-glass alert for after-the-fact review.
/// </summary>
public sealed class EmergencyIdentification(
    CaptureInspector inspector,
    ConsentedGallery gallery,
    PurposeRegistry purposes,
    ReviewWorklist reviews,
    AuditLog log,
    IOptions<RecognitionOptions> options)
{
    /// <summary>The audit action; <see cref="AccessAlerts"/> raises a break-glass alert on each use.</summary>
    public const string Action = AccessAlerts.BreakGlassAction;

    public async Task<EmergencyCandidates> IdentifyAsync(AuditActor actor, FaceCapture capture, BreakGlassReason reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(capture);
        var probe = await RefusalAudit.CheckAsync(log, actor, Action, Purposes.EmergencyIdentification, null, inspector.ModelVersion, async () =>
        {
            if (!Enum.IsDefined(reason))
            {
                throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, $"A break-glass reason is one of {string.Join(", ", BreakGlassReasonCodes.All)}.");
            }

            await purposes.RequireApprovedAsync(Purposes.EmergencyIdentification, cancellationToken);
            // An unresponsive patient cannot follow a challenge, and a photo taken by staff is not a presentation attack.
            return await inspector.InspectAsync(capture with { LivenessNonce = null, LivenessFrames = null }, qualityGate: false, cancellationToken);
        });

        await using var operation = await AuditedOperation.BeginAsync(log, actor, Action, Purposes.EmergencyIdentification, null, probe.ModelVersion, reason.ToCode(), cancellationToken);
        var settings = options.Value;
        var matches = await gallery.SearchAsync(probe.Embedding.Vector, Purposes.EmergencyIdentification, settings.EmergencyTopK, settings.Emergency.Review, null, cancellationToken);
        var candidates = matches.Select(m => new ReviewCandidate(m.SubjectId, m.Score)).ToList();
        var review = await reviews.OpenAsync(actor, ReviewKind.Emergency, Purposes.EmergencyIdentification, $"break-glass {reason.ToCode()}", probe.ModelVersion, null, candidates, capture.Image, cancellationToken);
        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"{reason.ToCode()}; {candidates.Count} candidates; review {review:N}"));
        return new EmergencyCandidates(review, candidates, probe.ModelVersion);
    }
}
