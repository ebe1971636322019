using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.Consent;

namespace Visage.Workflows.Recognition;

/// <summary>
/// The gallery as the workflows search it: only templates enrolled for the purpose are compared (the gallery's filter),
/// and a match counts only while its person's consent in force still covers the purpose (a template may outlive its
/// consent between expiry and the next retention run; it never outlives it in a decision).
/// </summary>
public sealed class ConsentedGallery(ProtectedStoreLifetime store, ConsentRegistry consents)
{
    public async Task<IReadOnlyList<GalleryMatch>> SearchAsync(float[] embedding, Purposes purpose, int topK, float minScore, IReadOnlySet<Guid>? subjects, CancellationToken cancellationToken)
    {
        var gallery = await store.LoadGalleryAsync(cancellationToken: cancellationToken);
        var matches = gallery.Search(embedding, new GalleryQuery(purpose, topK, minScore, subjects));
        var consented = new List<GalleryMatch>(matches.Count);
        foreach (var match in matches.Where(m => m.Score >= minScore))
        {
            if (await consents.CoversAsync(match.SubjectId, purpose, cancellationToken))
            {
                consented.Add(match);
            }
        }

        return consented;
    }

    /// <summary>1:1: the subject's best score for the purpose, or null when it has no template for it or no consent covering it.</summary>
    public async Task<float?> VerifyAsync(float[] embedding, Guid subject, Purposes purpose, CancellationToken cancellationToken)
    {
        var gallery = await store.LoadGalleryAsync(cancellationToken: cancellationToken);
        var score = gallery.Verify(embedding, subject, purpose);
        return score is not null && await consents.CoversAsync(subject, purpose, cancellationToken) ? score : null;
    }
}
