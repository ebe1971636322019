namespace Visage.Face.Tests.Alignment;

public sealed class SimilarityTransformTests
{
    [Fact]
    public void Estimate_PointsMovedByKnownSimilarity_RecoversScaleRotationAndTranslation()
    {
        var source = new Point2[] { new(10, 20), new(50, 22), new(30, 40), new(15, 60), new(45, 61) };
        var known = new SimilarityTransform(
            A: 1.7 * Math.Cos(0.3),
            B: 1.7 * Math.Sin(0.3),
            Tx: -12.5,
            Ty: 40.25);
        var target = source.Select(known.Apply).ToArray();

        var estimated = SimilarityTransform.Estimate(source, target);

        Assert.Equal(1.7, estimated.Scale, 4);
        Assert.Equal(0.3 * 180 / Math.PI, estimated.RotationDegrees, 3);
        Assert.Equal(-12.5, estimated.Tx, 3);
        Assert.Equal(40.25, estimated.Ty, 3);
    }

    [Fact]
    public void Estimate_ReferencePointsOntoThemselves_IsIdentity()
    {
        var t = SimilarityTransform.Estimate(FaceAligner.Reference, FaceAligner.Reference);

        Assert.Equal(1, t.A, 6);
        Assert.Equal(0, t.B, 6);
        Assert.Equal(0, t.Tx, 4);
        Assert.Equal(0, t.Ty, 4);
    }

    [Fact]
    public void Estimate_NoisyPoints_IsTheLeastSquaresFitNotAnExactOne()
    {
        // A reflection cannot be produced by a similarity: the fit must not mirror the points.
        var source = new Point2[] { new(0, 0), new(10, 0), new(0, 10) };
        var mirrored = new Point2[] { new(0, 0), new(-10, 0), new(0, 10) };

        var t = SimilarityTransform.Estimate(source, mirrored);
        var residual = source.Zip(mirrored, (s, m) => Math.Abs(t.Apply(s).X - m.X) + Math.Abs(t.Apply(s).Y - m.Y)).Sum();

        Assert.True(residual > 1, "a similarity cannot map points onto their mirror image");
        Assert.True(t.Scale < 1, "least squares shrinks a fit it cannot make");
    }

    [Fact]
    public void Estimate_CoincidentSourcePoints_Throws()
    {
        var same = new Point2[] { new(5, 5), new(5, 5) };

        Assert.Throws<ArgumentException>(() => SimilarityTransform.Estimate(same, FaceAligner.Reference.Take(2).ToArray()));
    }
}
