using OpenCvSharp;

namespace Visage.Face.Tests.Quality;

[Collection(EngineCollection.Name)]
public sealed class QualityAssessorTests(EngineFixture fixture)
{
    private QualityReport Assess(Action<Mat>? degrade = null, string file = "img2.jpg")
    {
        using var image = fixture.Engine.Decode(TestData.Bytes("faces", "deepface", file));
        degrade?.Invoke(image.Bgr);
        var face = fixture.Engine.Detect(image)[0];
        using var aligned = FaceEngine.Align(image, face);
        return fixture.Engine.AssessQuality(face, aligned);
    }

    [Fact]
    public void Assess_SharpFrontalPortrait_Passes()
    {
        var report = Assess();

        Assert.True(report.Passed, string.Join(", ", report.Issues));
        Assert.InRange(report.YawDegrees, -20, 20);
        Assert.InRange(report.RollDegrees, -15, 15);
        Assert.True(report.InterEyeDistance > 60);
    }

    [Fact]
    public void Assess_HeavilyBlurred_FlagsBlur()
    {
        var report = Assess(m => Cv2.GaussianBlur(m, m, new Size(0, 0), 12));

        Assert.Contains(QualityIssue.Blurred, report.Issues);
    }

    [Fact]
    public void Assess_Underexposed_FlagsTooDark()
    {
        var report = Assess(m => m.ConvertTo(m, m.Type(), 0.15));

        Assert.Contains(QualityIssue.TooDark, report.Issues);
        Assert.DoesNotContain(QualityIssue.TooBright, report.Issues);
    }

    [Fact]
    public void Assess_FaceRotated30Degrees_MeasuresTheRoll()
    {
        var upright = Assess();
        var rotated = Assess(m =>
        {
            using var rotation = Cv2.GetRotationMatrix2D(new Point2f(m.Width / 2f, m.Height / 2f), 30, 1);
            Cv2.WarpAffine(m, m, rotation, m.Size(), InterpolationFlags.Linear, BorderTypes.Replicate);
        });

        // OpenCV's positive angle turns the picture counter-clockwise, which raises the right side.
        Assert.InRange(rotated.RollDegrees - upright.RollDegrees, -36, -24);
    }
}
