namespace Visage.Face;

/// <summary>
/// Which images show the same person: those a labels file gives one identity, joined with those a genuine pair links.
/// The bootstrap resamples these clusters, so a set without identity labels still resamples people, not pairs.
/// </summary>
internal sealed class IdentityClusters
{
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    private readonly List<int> parent = [];

    private IdentityClusters()
    {
    }

    /// <summary>Genuine pairs whose images are labelled as different people, and impostor pairs that end up as one.</summary>
    public int Conflicts { get; private set; }

    public static IdentityClusters Build(IReadOnlyList<ImagePair> pairs, LabelSet labels)
    {
        var clusters = new IdentityClusters();
        var firstImageOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var image in pairs.SelectMany(p => new[] { p.PathA, p.PathB }))
        {
            clusters.Add(image);
            if (labels.For(image)?.Identity is { } identity && !firstImageOf.TryAdd(identity, image))
            {
                clusters.Join(firstImageOf[identity], image);
            }
        }

        foreach (var pair in pairs.Where(p => p.SamePerson))
        {
            var (a, b) = (labels.For(pair.PathA)?.Identity, labels.For(pair.PathB)?.Identity);
            if (a is not null && b is not null && !string.Equals(a, b, StringComparison.Ordinal))
            {
                clusters.Conflicts++;
            }

            clusters.Join(pair.PathA, pair.PathB);
        }

        clusters.Conflicts += pairs.Count(p => !p.SamePerson && clusters.Of(p.PathA) == clusters.Of(p.PathB));
        return clusters;
    }

    public int Of(string image)
    {
        var i = index[image];
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    private void Add(string image)
    {
        if (index.TryAdd(image, parent.Count))
        {
            parent.Add(parent.Count);
        }
    }

    private void Join(string a, string b) => parent[Of(a)] = Of(b);
}
