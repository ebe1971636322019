using System.Numerics.Tensors;
using Visage.Face;
using Visage.Workflows.Enrolment;

namespace Visage.Workflows.Tests.Enrolment;

/// <summary>The mean template of real photos of one person (deepface img1, img2, img5).</summary>
public sealed class MeanTemplateTests(FaceEngineFixture engine) : IClassFixture<FaceEngineFixture>
{
    private static readonly string Faces = Path.Combine(SharedDataLocator.Find(), "faces", "deepface");

    [Fact]
    public void Of_ThreePhotosOfOnePerson_IsUnitLength_AndCloserToEachPhotoThanThePhotosAreToEachOther()
    {
        var photos = Embed("img1.jpg", "img2.jpg", "img5.jpg");

        var mean = MeanTemplate.Of(photos);

        Assert.Equal(1f, TensorPrimitives.Norm(mean.Vector), 1e-5f);
        Assert.Equal(photos[0].Model, mean.Model);
        var closestPair = photos.SelectMany((a, i) => photos.Skip(i + 1).Select(a.Similarity)).Max();
        Assert.All(photos, p => Assert.True(mean.Similarity(p) > closestPair, $"{mean.Similarity(p):0.000} to a photo, {closestPair:0.000} between the closest two"));
    }

    [Fact]
    public void Of_OnePhoto_IsThatPhotosEmbedding()
    {
        var photo = Embed("img1.jpg")[0];

        var mean = MeanTemplate.Of([photo]);

        Assert.Equal(1f, mean.Similarity(photo), 1e-5f);
    }

    [Fact]
    public void Of_EmbeddingsOfTwoModels_IsRefused()
    {
        var photo = Embed("img1.jpg")[0];
        var otherModel = photo with { Model = photo.Model with { Version = photo.Model.Version + "+flip" } };

        Assert.Throws<InvalidOperationException>(() => MeanTemplate.Of([photo, otherModel]));
    }

    private List<FaceEmbedding> Embed(params string[] names) =>
        [.. names.Select(n => engine.Faces.CreateTemplate(File.ReadAllBytes(Path.Combine(Faces, n))).Embedding)];
}
