using System.Numerics.Tensors;

namespace Visage.Face;

/// <summary>The faceplugin 512-d embedder on aligned 112x112 RGB faces, (x−127)/128.</summary>
internal sealed class FaceEmbedder : IDisposable
{
    public const int Dimensions = 512;
    private readonly OnnxModel model;

    public FaceEmbedder(ModelStore store, int threads)
    {
        model = new OnnxModel(store, ModelIds.Embedder, threads);
    }

    public ModelVersion Model => model.Version;

    public FaceEmbedding Embed(AlignedFace face)
    {
        var vector = model.Run(TensorLayout.ToNchw(face.Bgr, 127f, 1f / 128f, rgb: true))[0];
        var norm = TensorPrimitives.Norm(vector);
        if (norm <= float.Epsilon || float.IsNaN(norm))
        {
            throw new InvalidOperationException($"Model {Model} produced a zero or invalid embedding.");
        }

        TensorPrimitives.Divide(vector, norm, vector);
        return new FaceEmbedding(vector, Model);
    }

    public void Dispose() => model.Dispose();
}
