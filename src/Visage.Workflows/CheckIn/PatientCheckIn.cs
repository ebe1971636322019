using System.Globalization;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Workflows.Consent;
using Visage.Workflows.Drift;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Workflows.CheckIn;

/// <summary>
/// Check-in by face: 1:1 against a claimed person, or 1:N over the caller's candidates (today's appointments) and then,
/// when configured, over everyone consented to check-in. Accepted, needs review (queued with the probe) or see the desk;
/// never a denial. A claimed check-in whose face matches a different enrolled person better raises an identity-mismatch
/// alert and goes to review: the medical-identity-theft case.
/// </summary>
public sealed class PatientCheckIn(
    CaptureInspector inspector,
    ConsentedGallery gallery,
    PersonRegistry people,
    ConsentRegistry consents,
    PurposeRegistry purposes,
    ReviewWorklist reviews,
    RecognitionScores scores,
    AuditLog log,
    IOptions<RecognitionOptions> options)
{
    public const string Action = "checkin";
    public const string IdentityMismatchAlert = "alert.identity-mismatch";
    private const int CandidatesShown = 3;

    /// <param name="claimed">The person the patient says they are (a scanned card, a typed MRN looked up first), or null for 1:N.</param>
    /// <param name="candidates">For 1:N: the people expected now (today's appointments); null or empty searches only when <see cref="RecognitionOptions.CheckInSearchAll"/> is on.</param>
    public async Task<CheckInResult> CheckInAsync(AuditActor actor, FaceCapture capture, Guid? claimed = null, IReadOnlyCollection<Guid>? candidates = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(capture);
        var thresholds = options.Value.CheckIn;
        var probe = await RefusalAudit.CheckAsync(log, actor, Action, Purposes.CheckIn, claimed?.ToString(), inspector.ModelVersion, async () =>
        {
            await purposes.RequireApprovedAsync(Purposes.CheckIn, cancellationToken);
            if (claimed is { } person)
            {
                await people.RequireAsync(person, cancellationToken);
                await consents.EnsureCoversAsync(person, Purposes.CheckIn, cancellationToken);
            }

            if (claimed is null && candidates is not { Count: > 0 } && !options.Value.CheckInSearchAll)
            {
                throw new WorkflowRefusedException(RefusalCodes.NoCandidates, RefusalKind.BadInput, "Without a claimed person, a check-in searches the people expected now: give the candidate list (today's appointments), or turn on Recognition:CheckInSearchAll.");
            }

            if (candidates is { Count: > 0 } && (await people.UnknownAsync(candidates, cancellationToken)).Count > 0)
            {
                throw new WorkflowRefusedException(RefusalCodes.UnknownCandidates, RefusalKind.NotFound, "The candidate list names people who are not registered; correct the list (which entries is not shown).");
            }

            return await inspector.InspectAsync(capture, qualityGate: false, cancellationToken);
        });

        await using var operation = await AuditedOperation.BeginAsync(log, actor, Action, Purposes.CheckIn, claimed?.ToString(), probe.ModelVersion, claimed is null ? "1:N" : "1:1", cancellationToken);
        var vector = probe.Embedding.Vector;
        CheckInResult result;
        if (claimed is { } claimedPerson)
        {
            var score = await gallery.VerifyAsync(vector, claimedPerson, Purposes.CheckIn, cancellationToken);
            var other = (await gallery.SearchAsync(vector, Purposes.CheckIn, CandidatesShown + 1, thresholds.Review, null, cancellationToken))
                .FirstOrDefault(m => m.SubjectId != claimedPerson);
            if (other is not null && other.Score > (score ?? -1f))
            {
                var listed = new List<ReviewCandidate> { new(other.SubjectId, other.Score), new(claimedPerson, score ?? -1f) };
                var review = await reviews.OpenAsync(actor, ReviewKind.IdentityMismatch, Purposes.CheckIn, "face matches another person better than the one claimed", probe.ModelVersion, claimedPerson, listed, capture.Image, cancellationToken);
                await log.AppendAsync(
                    new AuditEntry("visage", "system", IdentityMismatchAlert, Purposes.SecurityReview, claimedPerson.ToString(), "raised",
                        string.Create(CultureInfo.InvariantCulture, $"claimed subject scored {score ?? -1f:0.000}, subject {other.SubjectId} scored {other.Score:0.000}; review {review:N}"),
                        probe.ModelVersion, operation.CorrelationId, null),
                    CancellationToken.None);
                result = new CheckInResult(CheckInOutcome.NeedsReview, claimedPerson, score, review, IdentityMismatch: true, probe.ModelVersion);
            }
            else
            {
                result = await DecideAsync(actor, probe, capture, claimedPerson, score, [], cancellationToken);
            }
        }
        else
        {
            IReadOnlySet<Guid>? expected = candidates is { Count: > 0 } ? candidates.ToHashSet() : null;
            var matches = await gallery.SearchAsync(vector, Purposes.CheckIn, CandidatesShown, thresholds.Review, expected, cancellationToken);
            var searchedAll = expected is null;
            if (matches.Count == 0 && expected is not null && options.Value.CheckInSearchAll)
            {
                matches = await gallery.SearchAsync(vector, Purposes.CheckIn, CandidatesShown, thresholds.Review, null, cancellationToken);
                searchedAll = true;
            }

            var best = matches.Count > 0 ? matches[0] : null;
            // Two people above the accept threshold is ambiguous: a person decides. A match from a search of everyone is
            // held for a person too, unless the site has shown (visage eval calibrate) that false positives at its
            // gallery size stay within target: wrong-patient errors grow with the number searched.
            var hold = matches.Count > 1 && matches[1].Score >= thresholds.Accept ? "two people above the accept threshold"
                : searchedAll && !options.Value.CheckInSearchAllAccepts ? "found by searching every subject"
                : null;
            result = await DecideAsync(actor, probe, capture, best?.SubjectId, best?.Score, matches.Select(m => new ReviewCandidate(m.SubjectId, m.Score)).ToList(), cancellationToken, hold);
        }

        await operation.SucceededAsync(Describe(result), subject: result.SubjectId?.ToString());
        return result;
    }

    /// <param name="hold">Why a match above the accept threshold still goes to a person, or null.</param>
    private async Task<CheckInResult> DecideAsync(AuditActor actor, InspectedCapture probe, FaceCapture capture, Guid? subject, float? score, List<ReviewCandidate> candidates, CancellationToken cancellationToken, string? hold = null)
    {
        var thresholds = options.Value.CheckIn;
        if (subject is { } person && score >= thresholds.Accept && hold is null)
        {
            await people.TouchAsync(person, cancellationToken);
            await scores.RecordAsync(ScoreContext.CheckIn, probe.ModelVersion, score, AutomaticOutcome.Accepted, cancellationToken);
            return new CheckInResult(CheckInOutcome.Accepted, person, score, null, false, probe.ModelVersion);
        }

        if (subject is { } weak && score >= thresholds.Review)
        {
            List<ReviewCandidate> listed = candidates.Count > 0 ? candidates : [new ReviewCandidate(weak, score.Value)];
            var review = await reviews.OpenAsync(actor, ReviewKind.CheckIn, Purposes.CheckIn, score >= thresholds.Accept && hold is not null ? hold : "score in the review band", probe.ModelVersion, candidates.Count > 0 ? null : weak, listed, capture.Image, cancellationToken);
            return new CheckInResult(CheckInOutcome.NeedsReview, weak, score, review, false, probe.ModelVersion);
        }

        await scores.RecordAsync(ScoreContext.CheckIn, probe.ModelVersion, score, AutomaticOutcome.Desk, cancellationToken);
        return new CheckInResult(CheckInOutcome.SeeDesk, null, score, null, false, probe.ModelVersion);
    }

    private static string Describe(CheckInResult result) => result.Outcome switch
    {
        CheckInOutcome.Accepted => string.Create(CultureInfo.InvariantCulture, $"accepted; score {result.Score:0.000}"),
        CheckInOutcome.NeedsReview => string.Create(CultureInfo.InvariantCulture, $"{(result.IdentityMismatch ? "identity-mismatch" : "needs-review")}; score {result.Score ?? -1f:0.000}; review {result.ReviewId:N}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"see-desk; best {result.Score ?? -1f:0.000}"),
    };
}
