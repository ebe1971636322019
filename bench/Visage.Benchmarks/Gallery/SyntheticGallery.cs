using Visage.Gallery;

namespace Visage.Benchmarks.Gallery;

/// <summary>
/// A reproducible gallery of protected-looking templates (normalised iid Gaussians, as the secret rotation makes
/// real embeddings look), stored contiguously in 128 MB blocks so the float32 reference scans like a flat matrix.
/// One subject in five has a second template at cosine 0.8 to the first.
/// </summary>
internal sealed class SyntheticGallery
{
    private const int Dimension = FaceGallery.Dimension;
    private const int BlockRows = 65_536;

    private SyntheticGallery(GalleryEntry[] entries) => Entries = entries;

    public GalleryEntry[] Entries { get; }

    public static SyntheticGallery Create(int count, int seed)
    {
        var blocks = new float[(count + BlockRows - 1) / BlockRows][];
        for (var b = 0; b < blocks.Length; b++)
        {
            blocks[b] = new float[Math.Min(BlockRows, count - (b * BlockRows)) * Dimension];
        }

        // Rows in parallel, each chunk with its own seed: reproducible whatever the core count.
        const int Chunk = 4096;
        Parallel.For(0, (count + Chunk - 1) / Chunk, c =>
        {
            var random = new Random(HashCode.Combine(seed, c));
            for (var row = c * Chunk; row < Math.Min(count, (c + 1) * Chunk); row++)
            {
                FillUnit(random, Row(blocks, row));
            }
        });

        var subjects = new Random(seed);
        var entries = new GalleryEntry[count];
        var subject = Guid.Empty;
        var templatesOfSubject = 0;
        for (var row = 0; row < count; row++)
        {
            if (templatesOfSubject == 1 && subjects.NextDouble() < 0.25)
            {
                // A second capture of the previous subject.
                Mix(Row(blocks, row - 1), Row(blocks, row), 0.8f);
                templatesOfSubject = 2;
            }
            else
            {
                subject = Guid.NewGuid();
                templatesOfSubject = 1;
            }

            entries[row] = new GalleryEntry(Guid.NewGuid(), subject, Purposes.CheckIn | Purposes.EmergencyIdentification, BlockMemory(blocks, row));
        }

        return new SyntheticGallery(entries);
    }

    /// <summary>Fresh probes: genuine ones at cosine 0.3–0.9 to a random template, impostors unrelated.</summary>
    public (float[] Probe, bool Genuine)[] Probes(int genuine, int impostors, int seed)
    {
        var random = new Random(seed);
        var probes = new (float[], bool)[genuine + impostors];
        for (var i = 0; i < probes.Length; i++)
        {
            var probe = new float[Dimension];
            FillUnit(random, probe);
            if (i < genuine)
            {
                var source = Entries[random.Next(Entries.Length)].Vector.Span;
                var noise = probe.ToArray();
                // probe = c·x + √(1 − c²)·n, n ⊥ x unit.
                var along = 0.0;
                for (var d = 0; d < Dimension; d++)
                {
                    along += noise[d] * source[d];
                }

                for (var d = 0; d < Dimension; d++)
                {
                    noise[d] -= (float)(along * source[d]);
                }

                Normalise(noise);
                var cosine = 0.3 + (0.6 * random.NextDouble());
                var sine = Math.Sqrt(1 - (cosine * cosine));
                for (var d = 0; d < Dimension; d++)
                {
                    probe[d] = (float)((cosine * source[d]) + (sine * noise[d]));
                }

                Normalise(probe);
            }

            probes[i] = (probe, i < genuine);
        }

        return probes;
    }

    private static Span<float> Row(float[][] blocks, int row) =>
        blocks[row / BlockRows].AsSpan(row % BlockRows * Dimension, Dimension);

    private static ReadOnlyMemory<float> BlockMemory(float[][] blocks, int row) =>
        blocks[row / BlockRows].AsMemory(row % BlockRows * Dimension, Dimension);

    private static void Mix(Span<float> first, Span<float> row, float cosine)
    {
        // row holds a fresh unit vector; make it cosine·first + sine·(its part orthogonal to first).
        var along = 0.0;
        for (var d = 0; d < Dimension; d++)
        {
            along += row[d] * first[d];
        }

        for (var d = 0; d < Dimension; d++)
        {
            row[d] -= (float)(along * first[d]);
        }

        Normalise(row);
        var sine = MathF.Sqrt(1 - (cosine * cosine));
        for (var d = 0; d < Dimension; d++)
        {
            row[d] = (cosine * first[d]) + (sine * row[d]);
        }

        Normalise(row);
    }

    private static void FillUnit(Random random, Span<float> row)
    {
        for (var d = 0; d < Dimension; d += 2)
        {
            var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            var angle = 2 * Math.PI * random.NextDouble();
            row[d] = (float)(radius * Math.Cos(angle));
            row[d + 1] = (float)(radius * Math.Sin(angle));
        }

        Normalise(row);
    }

    private static void Normalise(Span<float> row)
    {
        var norm = 0.0;
        foreach (var value in row)
        {
            norm += value * (double)value;
        }

        var scale = 1 / Math.Sqrt(norm);
        for (var d = 0; d < row.Length; d++)
        {
            row[d] = (float)(row[d] * scale);
        }
    }
}
