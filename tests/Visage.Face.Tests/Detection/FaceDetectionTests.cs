namespace Visage.Face.Tests.Detection;

[Collection(EngineCollection.Name)]
public sealed class FaceDetectionTests(EngineFixture fixture)
{
    private FaceEngine Engine => fixture.Engine;

    [Fact]
    public void Detect_Couple_FindsTwoFacesWithLandmarksInsideTheirBoxes()
    {
        using var image = Engine.Decode(TestData.Bytes("faces", "deepface", "couple.jpg"));

        var faces = Engine.Detect(image);

        Assert.Equal(2, faces.Count);
        Assert.True(faces[0].Box.IntersectionOverUnion(faces[1].Box) < 0.1);
        foreach (var face in faces)
        {
            Assert.All(face.Landmarks.Points, p => Assert.True(
                p.X >= face.Box.X && p.X <= face.Box.Right && p.Y >= face.Box.Y && p.Y <= face.Box.Bottom,
                $"landmark {p} outside box {face.Box}"));
            Assert.True(face.Landmarks.RightEye.X < face.Landmarks.LeftEye.X, "subject's right eye is on the image's left");
            Assert.True(face.Landmarks.Nose.Y > face.Landmarks.RightEye.Y && face.Landmarks.MouthRight.Y > face.Landmarks.Nose.Y);
            Assert.Equal(Engine.DetectorModel, face.DetectorModel);
            Assert.StartsWith(ModelIds.Landmarks + "@", face.LandmarkModel.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CreateTemplate_ImageWithoutFace_ThrowsFaceNotFound()
    {
        Assert.Throws<FaceNotFoundException>(() => Engine.CreateTemplate(TestData.Bytes("faces", "singles", "no_face_IceBlockNearJoekullsarlon.jpg")));
    }

    [Fact]
    public void Detect_DogsOnly_FindsNoHumanFace()
    {
        using var image = Engine.Decode(TestData.Bytes("faces", "detection", "dogs.jpg"));

        Assert.Empty(Engine.Detect(image));
    }

    [Fact]
    public void Detect_AnnotatedTestingSet_MatchesHandDrawnBoxesAtIou05()
    {
        var images = DetectionMetrics.LoadAnnotations(TestData.Path("faces", "detection", "testing.xml"));

        var metrics = DetectionMetrics.Summarise(
            images.Select(a =>
            {
                using var image = Engine.Decode(File.ReadAllBytes(a.Path));
                return DetectionMetrics.Match(a.Boxes, Engine.Detect(image).Select(f => f.Box).ToList(), 0.5);
            }),
            0.5);

        Assert.Equal(25, metrics.Annotated);
        Assert.True(metrics.Recall >= 0.95, $"recall {metrics.Recall:P1}");
        Assert.True(metrics.Precision >= 0.95, $"precision {metrics.Precision:P1}");
    }

    [Fact]
    public void Detect_BlazeFaceSelectedByConfiguration_FindsTheSameFace()
    {
        using var blaze = new FaceEngine(new FaceEngineOptions { Detector = ModelIds.BlazeFaceDetector }, fixture.Store);
        using var image = blaze.Decode(TestData.Bytes("faces", "deepface", "couple.jpg"));

        var faces = blaze.Detect(image);
        var reference = Engine.Detect(image);

        Assert.StartsWith(ModelIds.BlazeFaceDetector + "@", blaze.DetectorModel.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, faces.Count);
        Assert.All(faces, f => Assert.Contains(reference, r => r.Box.IntersectionOverUnion(f.Box) > 0.4));
    }

    [Fact]
    public void Constructor_UnknownDetector_RefusesWithTheValidNames()
    {
        var ex = Assert.Throws<ModelIntegrityException>(() => new FaceEngine(new FaceEngineOptions { Detector = "yolo" }, fixture.Store));

        Assert.Contains(ModelIds.BlazeFaceDetector, ex.Message, StringComparison.Ordinal);
    }
}
