namespace Visage.Gallery.Tests.Support;

/// <summary>
/// Deterministic stand-ins for protected templates: after the secret rotation, a unit embedding looks like a
/// normalised iid Gaussian vector.
/// </summary>
internal sealed class SyntheticFaces(int seed)
{
    private readonly Random random = new(seed);

    public double NextDouble() => random.NextDouble();

    public int Next(int maxExclusive) => random.Next(maxExclusive);

    public float[] UnitVector()
    {
        var vector = new double[FaceGallery.Dimension];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = Gaussian();
        }

        return Normalised(vector);
    }

    /// <summary>c·x + √(1 − c²)·n with n a random unit vector orthogonal to x: cosine c to x.</summary>
    public float[] WithCosine(float[] source, double cosine)
    {
        var noise = new double[source.Length];
        double along = 0;
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = Gaussian();
            along += noise[i] * source[i];
        }

        double norm = 0;
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] -= along * source[i];
            norm += noise[i] * noise[i];
        }

        norm = Math.Sqrt(norm);
        var sine = Math.Sqrt(1 - (cosine * cosine));
        var result = new double[source.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (cosine * source[i]) + (sine * noise[i] / norm);
        }

        return Normalised(result);
    }

    private static float[] Normalised(double[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(v => v * v));
        return [.. vector.Select(v => (float)(v / norm))];
    }

    private double Gaussian()
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
