using System.Globalization;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Face;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.Consent;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Workflows.Enrolment;

public enum EnrolmentOutcome
{
    Enrolled,

    /// <summary>The face looks like someone already enrolled: nothing was stored, a reviewer decides.</summary>
    DuplicateSuspected,
}

public sealed record EnrolmentResult(EnrolmentOutcome Outcome, int Templates, Guid? ReviewId, IReadOnlyList<ReviewCandidate> Duplicates, string ModelVersion);

/// <summary>
/// Enrolment under consent: every image must show one good face (the quality gate names what is wrong), pass liveness
/// where enabled, and the person must hold a consent in force; the templates then serve exactly the consented purposes
/// and are stored in one transaction (all or none). Where duplicate detection is approved, a face that matches an
/// existing person is held for review instead of silently creating a second record; once a reviewer has rejected the
/// suspicion, enrolment is repeated naming that review.
/// </summary>
public sealed class FaceEnrolment(
    CaptureInspector inspector,
    ConsentedGallery gallery,
    ProtectedStoreLifetime store,
    PersonRegistry people,
    ConsentRegistry consents,
    PurposeRegistry purposes,
    ReviewWorklist reviews,
    AuditLog log,
    IOptions<RecognitionOptions> options)
{
    public const string Action = "enrol";
    public const int MaxImages = 10;

    /// <param name="clearedDuplicateReview">A duplicate review of this person that a reviewer rejected (not the same person).</param>
    public async Task<EnrolmentResult> EnrolAsync(AuditActor actor, Guid personId, IReadOnlyList<FaceCapture> captures, Guid? clearedDuplicateReview = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(captures);
        var subject = personId.ToString();
        var (consent, probes, checkDuplicates, cleared) = await RefusalAudit.CheckAsync(log, actor, Action, Purposes.Operations, subject, inspector.ModelVersion, async () =>
        {
            if (captures.Count is 0 or > MaxImages)
            {
                throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, $"Enrol from 1 to {MaxImages} images.");
            }

            await people.RequireAsync(personId, cancellationToken);
            var consent = await consents.RequireInForceAsync(personId, cancellationToken);
            // A reviewer who found this person is not the one(s) a suspicion named clears those people only, not the check.
            HashSet<Guid> cleared = [];
            if (clearedDuplicateReview is { } reviewId)
            {
                if (await reviews.GetAsync(reviewId, cancellationToken) is not { Kind: ReviewKind.Duplicate, Status: ReviewStatus.Rejected } review || review.ClaimedSubject != personId)
                {
                    throw new WorkflowRefusedException(RefusalCodes.UnknownReviewItem, RefusalKind.NotFound, "The review named is not a rejected duplicate suspicion about this person.");
                }

                cleared = review.Candidates.Select(c => c.SubjectId).ToHashSet();
            }

            var inspected = new List<InspectedCapture>(captures.Count);
            for (var i = 0; i < captures.Count; i++)
            {
                try
                {
                    inspected.Add(await inspector.InspectAsync(captures[i], qualityGate: true, cancellationToken));
                }
                catch (WorkflowRefusedException refusal) when (captures.Count > 1)
                {
                    throw new WorkflowRefusedException(refusal.Code, refusal.Kind, string.Create(CultureInfo.InvariantCulture, $"Image {i + 1}: {refusal.Message}"));
                }
            }

            var approved = (await purposes.ListAsync(cancellationToken)).Any(p => p.Purpose == Purposes.DuplicateDetection && p.Approved);
            return (consent, inspected, approved, cleared);
        });

        await using var operation = await AuditedOperation.BeginAsync(log, actor, Action, Purposes.Operations, subject, inspector.ModelVersion, $"{probes.Count} images; consent {consent.Id:N}", cancellationToken);
        if (checkDuplicates)
        {
            var threshold = options.Value.Duplicate.Review;
            var duplicates = new Dictionary<Guid, float>();
            foreach (var probe in probes)
            {
                foreach (var match in await gallery.SearchAsync(probe.Embedding.Vector, Purposes.DuplicateDetection, 3, threshold, null, cancellationToken))
                {
                    if (match.SubjectId != personId && !cleared.Contains(match.SubjectId) && match.Score > duplicates.GetValueOrDefault(match.SubjectId, -1f))
                    {
                        duplicates[match.SubjectId] = match.Score;
                    }
                }
            }

            if (duplicates.Count > 0)
            {
                var listed = duplicates.OrderByDescending(d => d.Value).Select(d => new ReviewCandidate(d.Key, d.Value)).ToList();
                // Asking again (a manifest rerun) points at the suspicion already waiting for a reviewer.
                var review = await reviews.OpenItemAboutAsync(ReviewKind.Duplicate, personId, cancellationToken)
                    ?? await reviews.OpenAsync(actor, ReviewKind.Duplicate, Purposes.DuplicateDetection, "new enrolment matches an existing person", inspector.ModelVersion, personId, listed, captures[0].Image, cancellationToken);
                await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"duplicate-suspected; best {listed[0].Score:0.000}; review {review:N}; nothing enrolled"));
                return new EnrolmentResult(EnrolmentOutcome.DuplicateSuspected, 0, review, listed, inspector.ModelVersion);
            }
        }

        // Mean: one template for the enrolment instead of one per image (Recognition:EnrolmentTemplate).
        var mean = options.Value.EnrolmentTemplate == EnrolmentTemplate.Mean;
        List<FaceEmbedding> embeddings = mean ? [MeanTemplate.Of([.. probes.Select(p => p.Embedding)])] : [.. probes.Select(p => p.Embedding)];
        var averaged = mean ? string.Create(CultureInfo.InvariantCulture, $" (mean of {probes.Count} images)") : string.Empty;
        IReadOnlyList<ProtectedTemplate> templates;
        try
        {
            templates = await store.EnrolAsync(
                personId,
                embeddings.Select(e => (ReadOnlyMemory<float>)e.Vector).ToList(),
                consent.Purposes,
                inspector.ModelVersion,
                (transaction, token) => consents.RequireStillInForceAsync(transaction, consent, token),
                cancellationToken);
        }
        catch (WorkflowRefusedException refusal)
        {
            // Withdrawn while the images were being processed: nothing was stored.
            await operation.FailedAsync(refusal.Code);
            throw;
        }

        await people.TouchAsync(personId, cancellationToken);
        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"enrolled; {templates.Count} templates{averaged}; purposes {ConsentCodes.PurposeList(consent.Purposes)}{(checkDuplicates ? string.Empty : "; duplicate check not run")}"));
        return new EnrolmentResult(EnrolmentOutcome.Enrolled, templates.Count, null, [], inspector.ModelVersion);
    }
}
