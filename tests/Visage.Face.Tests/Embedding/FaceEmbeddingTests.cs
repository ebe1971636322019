using System.Numerics.Tensors;

namespace Visage.Face.Tests.Embedding;

[Collection(EngineCollection.Name)]
public sealed class FaceEmbeddingTests(EngineFixture fixture)
{
    private FaceEngine Engine => fixture.Engine;

    [Fact]
    public void CreateTemplate_Portrait_Is512DimensionalUnitVectorTaggedWithModel()
    {
        var template = Engine.CreateTemplate(TestData.Bytes("faces", "singles", "grace_hopper_512x512.jpg"));

        Assert.Equal(512, template.Embedding.Vector.Length);
        Assert.Equal(1f, TensorPrimitives.Norm(template.Embedding.Vector), 4);
        Assert.Equal(Engine.EmbedderModel, template.Embedding.Model);
        Assert.True(template.Quality.Passed, string.Join(",", template.Quality.Issues));
        Assert.Null(template.Liveness);
    }

    [Fact]
    public void Embed_Batch_EqualsOneByOne()
    {
        using var image = Engine.Decode(TestData.Bytes("faces", "deepface", "couple.jpg"));
        var faces = Engine.Detect(image);
        var aligned = faces.Select(f => FaceEngine.Align(image, f)).ToList();
        try
        {
            var batch = Engine.Embed(aligned);

            for (var i = 0; i < aligned.Count; i++)
            {
                Assert.Equal(Engine.Embed(aligned[i]).Vector, batch[i].Vector);
            }

            Assert.True(batch[0].Similarity(batch[1]) < Engine.MatchThreshold, "the two people in couple.jpg are different");
        }
        finally
        {
            aligned.ForEach(a => a.Dispose());
        }
    }

    [Fact]
    public void CreateTemplate_ManyThreadsAtOnce_GiveTheSameVectorsAsOneThread()
    {
        var files = new[] { "img1.jpg", "img2.jpg", "img3.jpg", "img4.jpg" };
        var bytes = files.Select(f => TestData.Bytes("faces", "deepface", f)).ToArray();
        var sequential = bytes.Select(b => Engine.CreateTemplate(b).Embedding.Vector).ToArray();

        var parallel = new float[16][];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = Engine.CreateTemplate(bytes[i % bytes.Length]).Embedding.Vector);

        for (var i = 0; i < parallel.Length; i++)
        {
            Assert.Equal(sequential[i % bytes.Length], parallel[i]);
        }
    }

    [Fact]
    public void Similarity_EmbeddingsOfDifferentModels_Refused()
    {
        var a = new FaceEmbedding([1f, 0f], new ModelVersion("m", "1", "aaaa"));
        var b = new FaceEmbedding([1f, 0f], new ModelVersion("m", "2", "bbbb"));

        Assert.Throws<InvalidOperationException>(() => a.Similarity(b));
    }
}
