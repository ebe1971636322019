using System.Numerics.Tensors;

namespace Visage.Face;

/// <summary>An L2-normalised face embedding and the model version that produced it.</summary>
public sealed record FaceEmbedding(float[] Vector, ModelVersion Model)
{
    /// <summary>Cosine similarity; both vectors are unit length so it is their dot product.</summary>
    public float Similarity(FaceEmbedding other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!Model.Equals(other.Model))
        {
            throw new InvalidOperationException($"Embeddings from different models cannot be compared ({Model} vs {other.Model}).");
        }

        return TensorPrimitives.Dot(Vector, other.Vector);
    }
}
