using Visage.Deid.Photos;
using Visage.Deid.Redaction;
using Visage.Deid.Reports;
using Visage.Face;

namespace Visage.Deid.Tests.Photos;

[Collection(PhotoEngineCollection.Name)]
public sealed class PhotoDeidentifierFaceTests : IDisposable
{
    private readonly PhotoEngineFixture fixture;
    private readonly string output = Directory.CreateTempSubdirectory("visage-photo-faces-").FullName;

    public PhotoDeidentifierFaceTests(PhotoEngineFixture fixture) => this.fixture = fixture;

    private FaceEngine Engine => fixture.Engine;

    public static TheoryData<string, RedactionStyle> Photos => new()
    {
        { "img1.jpg", RedactionStyle.Pixelate },
        { "img2.jpg", RedactionStyle.Pixelate },
        { "img3.jpg", RedactionStyle.Pixelate },
        { "img4.jpg", RedactionStyle.Blur },
        { "img5.jpg", RedactionStyle.Blur },
        { "img6.jpg", RedactionStyle.Blur },
        { "couple.jpg", RedactionStyle.Pixelate },
        { "couple.jpg", RedactionStyle.Blur },
        { "img7.jpg", RedactionStyle.SolidBox },
    };

    [Theory]
    [MemberData(nameof(Photos))]
    public void Deidentify_FacePhoto_NoRedactedFaceMatchesItsOriginal(string photo, RedactionStyle style)
    {
        var input = TestData.Path("faces", "deepface", photo);
        var originals = Faces(File.ReadAllBytes(input));
        Assert.NotEmpty(originals);

        var report = Deidentify(input, new PhotoDeidOptions { RedactionStyle = style });

        Assert.True(report.Clean, string.Join("; ", report.Findings));
        Assert.Equal(originals.Count, report.Redactions.Count(r => r.Source == RedactionSource.Face));
        using var redacted = Engine.Decode(File.ReadAllBytes(OutputOf(report)));
        foreach (var (face, embedding) in originals)
        {
            // At the original landmarks, even if the detector no longer finds a face there.
            using var aligned = FaceEngine.Align(redacted, face);
            Assert.True(embedding.Similarity(Engine.Embed(aligned)) < Engine.MatchThreshold, $"{photo} {style}");
        }

        foreach (var (_, embedding) in Faces(File.ReadAllBytes(OutputOf(report))))
        {
            Assert.All(originals, o => Assert.True(o.Embedding.Similarity(embedding) < Engine.MatchThreshold));
        }
    }

    [Fact]
    public void Deidentify_FacesNotRedacted_OutputStillMatchesAndVerifierWouldFlagIt()
    {
        var input = TestData.Path("faces", "deepface", "img1.jpg");
        var original = Faces(File.ReadAllBytes(input))[0];

        var report = Deidentify(input, new PhotoDeidOptions { RedactFaces = false });

        Assert.Empty(report.Redactions);
        var bytes = File.ReadAllBytes(OutputOf(report));
        using var copy = Engine.Decode(bytes);
        using var aligned = FaceEngine.Align(copy, original.Face);
        Assert.True(original.Embedding.Similarity(Engine.Embed(aligned)) >= Engine.MatchThreshold);

        // The same verifier that passes redacted outputs must catch this one.
        var findings = new PhotoVerifier(Engine, fixture.Ocr).Verify(bytes, new PhotoExpectations([], [new RedactedFace(original.Face, original.Embedding)], null), CancellationToken.None);
        Assert.Contains(findings, f => f.Kind == FindingKind.RecognizableFace);
    }

    [Fact]
    public void Deidentify_AllButLargest_KeepsOnlyTheLargestFaceRecognisable()
    {
        var input = TestData.Path("faces", "deepface", "couple.jpg");
        var originals = Faces(File.ReadAllBytes(input));
        Assert.True(originals.Count >= 2);

        var report = Deidentify(input, new PhotoDeidOptions { FaceSelection = FaceSelection.AllButLargest });

        Assert.True(report.Clean, string.Join("; ", report.Findings));
        Assert.Equal(originals.Count - 1, report.Redactions.Count);
        using var output = Engine.Decode(File.ReadAllBytes(OutputOf(report)));
        for (var i = 0; i < originals.Count; i++)
        {
            using var aligned = FaceEngine.Align(output, originals[i].Face);
            var score = originals[i].Embedding.Similarity(Engine.Embed(aligned));
            Assert.True(i == 0 ? score >= Engine.MatchThreshold : score < Engine.MatchThreshold, $"face {i}: {score}");
        }
    }

    [Fact]
    public void Deidentify_AllButChosen_KeepsTheFaceInTheGivenBox()
    {
        var input = TestData.Path("faces", "deepface", "couple.jpg");
        var originals = Faces(File.ReadAllBytes(input));
        var keep = originals[^1].Face.Box;

        var report = Deidentify(input, new PhotoDeidOptions
        {
            FaceSelection = FaceSelection.AllButChosen,
            KeepFace = new ImageRegion((int)keep.X, (int)keep.Y, (int)keep.Width, (int)keep.Height),
            RedactionStyle = RedactionStyle.SolidBox,
        });

        using var output = Engine.Decode(File.ReadAllBytes(OutputOf(report)));
        using var aligned = FaceEngine.Align(output, originals[^1].Face);
        Assert.True(originals[^1].Embedding.Similarity(Engine.Embed(aligned)) >= Engine.MatchThreshold);
        Assert.Equal(originals.Count - 1, report.Redactions.Count);
    }

    public void Dispose() => Directory.Delete(output, recursive: true);

    private DeidFileReport Deidentify(string input, PhotoDeidOptions options)
    {
        var deidentifier = new PhotoDeidentifier(Engine, fixture.Ocr, options);
        var target = Path.Combine(output, Guid.NewGuid().ToString("N") + deidentifier.OutputExtension(input));
        var report = deidentifier.Deidentify(input, Path.GetFileName(input), target, CancellationToken.None);
        Assert.Equal(DeidStatus.Deidentified, report.Status);
        return report;
    }

    private string OutputOf(DeidFileReport report) => Path.Combine(output, report.Output!);

    private List<(DetectedFace Face, FaceEmbedding Embedding)> Faces(byte[] bytes)
    {
        using var image = Engine.Decode(bytes);
        var faces = new List<(DetectedFace, FaceEmbedding)>();
        foreach (var face in Engine.Detect(image))
        {
            using var aligned = FaceEngine.Align(image, face);
            faces.Add((face, Engine.Embed(aligned)));
        }

        return faces;
    }
}
