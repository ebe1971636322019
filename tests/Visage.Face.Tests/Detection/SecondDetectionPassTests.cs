using OpenCvSharp;

namespace Visage.Face.Tests.Detection;

[Collection(EngineCollection.Name)]
public sealed class SecondDetectionPassTests(EngineFixture fixture)
{
    /// <summary>
    /// No shared image defeats the first pass, so one is derived in memory: a square crop of 60 % of img11's face box,
    /// a face overflowing the frame as from a camera held too close.
    /// </summary>
    private DecodedImage FaceOverflowingTheFrame()
    {
        using var image = fixture.Engine.Decode(TestData.Bytes("faces", "deepface", "img11.jpg"));
        var box = fixture.Engine.Detect(image)[0].Box;
        var side = (int)(box.Width * 0.6f);
        var rect = new Rect((int)(box.Centre.X - (side / 2f)), (int)(box.Centre.Y - (side / 2f)), side, side);
        using var crop = new Mat(image.Bgr, rect);
        Cv2.ImEncode(".png", crop, out var png);
        return fixture.Engine.Decode(png);
    }

    [Fact]
    public void Detect_FaceOverflowingTheFrame_PaddedPassFindsTheSamePerson()
    {
        using var padded = new FaceEngine(new FaceEngineOptions { SecondDetectionPass = SecondDetectionPass.Padded }, fixture.Store);
        using var crop = FaceOverflowingTheFrame();

        Assert.Empty(fixture.Engine.Detect(crop));
        var face = Assert.Single(padded.Detect(crop));
        Assert.Equal(fixture.Engine.DetectorModel, face.DetectorModel);
        // Points are mapped back from the padded image; the eyes lie inside the crop (a mouth corner may be cut off).
        Assert.All([face.Landmarks.RightEye, face.Landmarks.LeftEye], p => Assert.True(p.X >= 0 && p.Y >= 0 && p.X < crop.Width && p.Y < crop.Height, $"{p} outside the crop"));
        using var aligned = FaceEngine.Align(crop, face);
        var full = fixture.Engine.CreateTemplate(TestData.Bytes("faces", "deepface", "img11.jpg")).Embedding;
        Assert.True(padded.Embed(aligned).Similarity(full) >= padded.MatchThreshold, "the recovered face is img11's person");
    }

    [Theory]
    [InlineData(SecondDetectionPass.Padded, "singles", "no_face_IceBlockNearJoekullsarlon.jpg")]
    [InlineData(SecondDetectionPass.BlazeFace, "singles", "no_face_IceBlockNearJoekullsarlon.jpg")]
    [InlineData(SecondDetectionPass.BlazeFace, "detection", "dogs.jpg")]
    public void Detect_NoFaceImage_SecondPassFindsNone(SecondDetectionPass pass, string folder, string file)
    {
        using var engine = new FaceEngine(new FaceEngineOptions { SecondDetectionPass = pass }, fixture.Store);
        using var image = engine.Decode(TestData.Bytes("faces", folder, file));

        Assert.Empty(engine.Detect(image));
    }

    [Fact]
    public void Detect_FaceFoundByTheFirstPass_SecondPassDoesNotRun()
    {
        using var blaze = new FaceEngine(new FaceEngineOptions { SecondDetectionPass = SecondDetectionPass.BlazeFace }, fixture.Store);
        using var image = blaze.Decode(TestData.Bytes("faces", "deepface", "couple.jpg"));

        Assert.All(blaze.Detect(image), f => Assert.Equal(fixture.Engine.DetectorModel, f.DetectorModel));
    }
}
