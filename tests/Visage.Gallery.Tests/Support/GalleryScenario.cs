namespace Visage.Gallery.Tests.Support;

/// <summary>
/// A 20k-template gallery with genuine and impostor probes, some entries planted just around the 0.30 threshold
/// of a probe, and the exact float32 answers. Built once per test class; read-only for the tests.
/// </summary>
public sealed class GalleryScenario : IDisposable
{
    public const float Threshold = 0.30f;
    public const int Genuine = 500;
    public const int Impostors = 500;

    public GalleryScenario()
    {
        var faces = new SyntheticFaces(seed: 20261123);
        var entries = new List<GalleryEntry>();
        var subjects = 16_000;
        for (var s = 0; s < subjects; s++)
        {
            var subject = Guid.NewGuid();
            var centre = faces.UnitVector();
            // Every subject consents to check-in; some to emergency identification and research as well.
            var purposes = Purposes.CheckIn
                | (faces.NextDouble() < 0.5 ? Purposes.EmergencyIdentification : Purposes.None)
                | (faces.NextDouble() < 0.1 ? Purposes.Research : Purposes.None);
            var templates = faces.NextDouble() < 0.25 ? 2 : 1;
            for (var t = 0; t < templates; t++)
            {
                var vector = templates == 1 ? centre : faces.WithCosine(centre, 0.8);
                entries.Add(new GalleryEntry(Guid.NewGuid(), subject, purposes, vector));
            }
        }

        var probes = new List<float[]>();
        for (var i = 0; i < Genuine; i++)
        {
            var source = entries[faces.Next(entries.Count)];
            probes.Add(faces.WithCosine(source.Vector.ToArray(), 0.3 + (0.6 * faces.NextDouble())));
        }

        for (var i = 0; i < Impostors; i++)
        {
            probes.Add(faces.UnitVector());
        }

        // Three subjects per probe for every fifth probe, at cosine 0.29–0.31: the boundary the bounds must get right.
        for (var p = 0; p < probes.Count; p += 5)
        {
            for (var j = 0; j < 3; j++)
            {
                var planted = faces.WithCosine(probes[p], 0.29 + (0.02 * faces.NextDouble()));
                entries.Add(new GalleryEntry(Guid.NewGuid(), Guid.NewGuid(), Purposes.CheckIn | Purposes.StepUp, planted));
            }
        }

        Entries = entries;
        Probes = probes;
        BySubject = entries.GroupBy(e => e.SubjectId).ToDictionary(g => g.Key, g => g.ToArray());
        Gallery = new FaceGallery();
        Gallery.AddRange(entries);
        var query = new GalleryQuery(Purposes.CheckIn, TopK: 1000, MinScore: Threshold);
        var expected = new GalleryMatch[probes.Count][];
        Parallel.For(0, probes.Count, p => expected[p] = ExactScan.Search(entries, probes[p], query));
        Expected = expected;
    }

    public IReadOnlyList<GalleryEntry> Entries { get; }

    public IReadOnlyList<float[]> Probes { get; }

    public IReadOnlyDictionary<Guid, GalleryEntry[]> BySubject { get; }

    public FaceGallery Gallery { get; }

    /// <summary>ExactScan answers per probe: check-in, top 1000, threshold 0.30.</summary>
    public IReadOnlyList<GalleryMatch[]> Expected { get; }

    public void Dispose() => Gallery.Dispose();
}
