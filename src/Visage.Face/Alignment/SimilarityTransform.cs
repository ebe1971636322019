namespace Visage.Face;

/// <summary>
/// A 2-D similarity (rotation, uniform scale, translation): x' = a·x − b·y + tx, y' = b·x + a·y + ty.
/// </summary>
public readonly record struct SimilarityTransform(double A, double B, double Tx, double Ty)
{
    public double Scale => Math.Sqrt((A * A) + (B * B));

    public double RotationDegrees => Math.Atan2(B, A) * 180.0 / Math.PI;

    public Point2 Apply(Point2 p) => new((float)((A * p.X) - (B * p.Y) + Tx), (float)((B * p.X) + (A * p.Y) + Ty));

    /// <summary>The least-squares similarity taking <paramref name="source"/> onto <paramref name="target"/> (Umeyama, no reflection).</summary>
    public static SimilarityTransform Estimate(IReadOnlyList<Point2> source, IReadOnlyList<Point2> target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (source.Count != target.Count || source.Count < 2)
        {
            throw new ArgumentException("Need at least two corresponding points.", nameof(source));
        }

        double sx = 0, sy = 0, tx = 0, ty = 0;
        for (var i = 0; i < source.Count; i++)
        {
            sx += source[i].X;
            sy += source[i].Y;
            tx += target[i].X;
            ty += target[i].Y;
        }

        var n = source.Count;
        (sx, sy, tx, ty) = (sx / n, sy / n, tx / n, ty / n);

        double dot = 0, cross = 0, norm = 0;
        for (var i = 0; i < n; i++)
        {
            var px = source[i].X - sx;
            var py = source[i].Y - sy;
            var qx = target[i].X - tx;
            var qy = target[i].Y - ty;
            dot += (px * qx) + (py * qy);
            cross += (px * qy) - (py * qx);
            norm += (px * px) + (py * py);
        }

        if (norm < 1e-12)
        {
            throw new ArgumentException("Source points coincide; no transform exists.", nameof(source));
        }

        var a = dot / norm;
        var b = cross / norm;
        return new SimilarityTransform(a, b, tx - ((a * sx) - (b * sy)), ty - ((b * sx) + (a * sy)));
    }

    /// <summary>The 2x3 matrix in row order, as warpAffine expects.</summary>
    public double[,] ToMatrix() => new double[,] { { A, -B, Tx }, { B, A, Ty } };
}
