using System.Numerics.Tensors;
using OpenCvSharp;

namespace Visage.Face.Tests.Embedding;

[Collection(EngineCollection.Name)]
public sealed class FlipAugmentationTests(EngineFixture fixture)
{
    [Fact]
    public void Embed_FlipAugmentation_ChangesTheEmbeddingKeepsItUnitLengthAndTagsTheVersion()
    {
        using var flip = new FaceEngine(new FaceEngineOptions { FlipAugmentation = true }, fixture.Store);
        using var image = fixture.Engine.Decode(TestData.Bytes("faces", "deepface", "img1.jpg"));
        using var aligned = FaceEngine.Align(image, fixture.Engine.Detect(image)[0]);

        var plain = fixture.Engine.Embed(aligned);
        var averaged = flip.Embed(aligned);

        Assert.Equal(1f, TensorPrimitives.Norm(averaged.Vector), 4);
        var cosine = TensorPrimitives.Dot(plain.Vector, averaged.Vector);
        Assert.InRange(cosine, 0.8f, 0.9999f);
        Assert.Equal(fixture.Engine.EmbedderModel.Version + FaceEmbedder.FlipVersionSuffix, averaged.Model.Version);
        Assert.Equal(plain.Model.Sha256Prefix, averaged.Model.Sha256Prefix);
        Assert.Throws<InvalidOperationException>(() => plain.Similarity(averaged));
    }

    [Fact]
    public void Embed_FlipAugmentation_GivesTheSameVectorForTheMirroredCrop()
    {
        using var flip = new FaceEngine(new FaceEngineOptions { FlipAugmentation = true }, fixture.Store);
        using var image = fixture.Engine.Decode(TestData.Bytes("faces", "deepface", "img2.jpg"));
        using var aligned = FaceEngine.Align(image, fixture.Engine.Detect(image)[0]);
        var mirror = new Mat();
        Cv2.Flip(aligned.Bgr, mirror, FlipMode.Y);
        using var mirrored = new AlignedFace(mirror, aligned.Transform);

        // Both views are embedded and averaged, so a crop and its mirror image must give one template;
        // without augmentation they differ, which shows the mirrored view is really used.
        Assert.True(TensorPrimitives.Dot(fixture.Engine.Embed(aligned).Vector, fixture.Engine.Embed(mirrored).Vector) < 0.9999f);
        Assert.Equal(1f, flip.Embed(aligned).Similarity(flip.Embed(mirrored)), 4);
    }

    [Theory]
    [InlineData("(x-127)/128", 127f, 128f)]
    [InlineData("(x - 127.5) / 127.5", 127.5f, 127.5f)]
    public void ParseNormalization_ManifestForm_GivesMeanAndScale(string text, float mean, float scale)
    {
        Assert.Equal((mean, scale), FaceEmbedder.ParseNormalization("m", text));
    }

    [Theory]
    [InlineData("x/255")]
    [InlineData("none (0..255)")]
    [InlineData("(x-127)/0")]
    public void ParseNormalization_OtherForms_Refused(string text)
    {
        Assert.Throws<ModelIntegrityException>(() => FaceEmbedder.ParseNormalization("m", text));
    }

    [Fact]
    public void Constructor_EmbedderOptionNamingADetector_Refused()
    {
        var ex = Assert.Throws<ModelIntegrityException>(() => new FaceEngine(new FaceEngineOptions { Embedder = ModelIds.FacepluginDetector }, fixture.Store));

        Assert.Contains("embedder", ex.Message, StringComparison.Ordinal);
    }
}
