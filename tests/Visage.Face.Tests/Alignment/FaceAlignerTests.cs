using OpenCvSharp;

namespace Visage.Face.Tests.Alignment;

[Collection(EngineCollection.Name)]
public sealed class FaceAlignerTests(EngineFixture fixture)
{
    [Fact]
    public void Align_RealFace_PutsItsLandmarksOnTheTemplate()
    {
        using var image = fixture.Engine.Decode(TestData.Bytes("faces", "deepface", "img2.jpg"));
        var face = fixture.Engine.Detect(image)[0];

        using var aligned = FaceEngine.Align(image, face);

        Assert.Equal(new Size(112, 112), aligned.Bgr.Size());
        var mapped = face.Landmarks.Points.Select(aligned.Transform.Apply).ToArray();
        var meanError = mapped.Zip(FaceAligner.Reference, (m, r) => MathF.Sqrt(((m.X - r.X) * (m.X - r.X)) + ((m.Y - r.Y) * (m.Y - r.Y)))).Average();
        Assert.InRange(meanError, 0, 4.0);
    }

    [Fact]
    public void Align_SyntheticPointsAtTwiceTheScale_MapsThemOntoTheReference()
    {
        using var canvas = new Mat(300, 300, MatType.CV_8UC3, Scalar.All(128));
        var r = FaceAligner.Reference;
        var landmarks = new FiveLandmarks(
            new(r[0].X * 2, r[0].Y * 2),
            new(r[1].X * 2, r[1].Y * 2),
            new(r[2].X * 2, r[2].Y * 2),
            new(r[3].X * 2, r[3].Y * 2),
            new(r[4].X * 2, r[4].Y * 2));

        using var aligned = FaceAligner.Align(canvas, landmarks);

        Assert.Equal(0.5, aligned.Transform.Scale, 5);
        Assert.Equal(0, aligned.Transform.RotationDegrees, 4);
    }
}
