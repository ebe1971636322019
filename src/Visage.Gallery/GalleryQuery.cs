namespace Visage.Gallery;

/// <summary>A 1:N search: one purpose, the number of subjects wanted and the decision threshold.</summary>
/// <param name="Purpose">Exactly one purpose; only templates consented for it are compared.</param>
/// <param name="TopK">At most this many subjects are returned, best first.</param>
/// <param name="MinScore">
/// Cosine threshold. Every subject with a template whose exact cosine is at least this is returned (up to
/// <paramref name="TopK"/>). A reported score is within a proven per-template bound of the exact cosine (below
/// 1e-3 for protected templates, a few 1e-5 typically), so a subject up to that bound below the threshold may be
/// returned as well: decide on <c>Score &gt;= MinScore</c>. Use -1 for a pure top-k search.
/// </param>
/// <param name="Subjects">When set, only these subjects are candidates (for example today's appointments).</param>
public sealed record GalleryQuery(Purposes Purpose, int TopK, float MinScore, IReadOnlySet<Guid>? Subjects = null);
