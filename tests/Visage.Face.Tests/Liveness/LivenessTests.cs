namespace Visage.Face.Tests.Liveness;

/// <summary>
/// The liveness model is wired and reports scores on every shared capture. Whether it separates attacks
/// is measured (docs/liveness.md), not asserted: six captures cannot establish an error rate, and on
/// these it does not, which is why liveness is off by default.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class LivenessTests(EngineFixture fixture)
{
    [Fact]
    public void Assess_EverySharedCapture_GivesAProbabilityAndTheModelVersion()
    {
        var folder = TestData.Path("spoof", "silent_face_anti_spoofing");
        var samples = LivenessSample.Load(Path.Combine(folder, "labels.csv"));

        Assert.Equal(6, samples.Count);
        Assert.Equal(3, samples.Count(s => s.IsLive));
        foreach (var sample in samples)
        {
            using var image = fixture.Engine.Decode(File.ReadAllBytes(Path.Combine(folder, sample.File)));
            var faces = fixture.Engine.Detect(image);
            Assert.NotEmpty(faces);

            var result = fixture.Engine.Liveness.Assess(image, faces[0]);

            Assert.InRange(result.LiveScore, 0f, 1f);
            Assert.Equal(result.LiveScore >= result.Threshold, result.IsLive);
            Assert.StartsWith(ModelIds.Liveness + "@", result.Model.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CreateTemplate_LivenessEnabled_AttachesTheResult()
    {
        using var engine = new FaceEngine(new FaceEngineOptions { Liveness = { Enabled = true, Threshold = 0.5f } }, fixture.Store);

        var template = engine.CreateTemplate(TestData.Bytes("faces", "deepface", "img1.jpg"));

        Assert.NotNull(template.Liveness);
    }

    [Fact]
    public void Options_Default_LivenessIsOff()
    {
        Assert.False(new FaceEngineOptions().Liveness.Enabled);
    }
}
