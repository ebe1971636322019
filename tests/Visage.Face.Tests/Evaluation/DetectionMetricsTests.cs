namespace Visage.Face.Tests.Evaluation;

public sealed class DetectionMetricsTests
{
    [Fact]
    public void Match_EachTruthBoxMatchedAtMostOnce()
    {
        var truth = new[] { new FaceBox(0, 0, 10, 10) };
        var found = new[] { new FaceBox(0, 0, 10, 10), new FaceBox(1, 1, 10, 10) };

        var (matched, annotated, detected) = DetectionMetrics.Match(truth, found, 0.5);

        Assert.Equal((1, 1, 2), (matched, annotated, detected));
    }

    [Fact]
    public void Match_OverlapBelowThreshold_IsNotAMatch()
    {
        var (matched, _, _) = DetectionMetrics.Match([new FaceBox(0, 0, 10, 10)], [new FaceBox(6, 0, 10, 10)], 0.5);

        Assert.Equal(0, matched);
    }

    [Fact]
    public void LoadAnnotations_TestingXml_ReadsEveryBox()
    {
        var images = DetectionMetrics.LoadAnnotations(TestData.Path("faces", "detection", "testing.xml"));

        Assert.Equal(5, images.Count);
        Assert.Equal(25, images.Sum(i => i.Boxes.Count));
        Assert.All(images, i => Assert.True(File.Exists(i.Path)));
    }
}
