using System.Numerics.Tensors;
using Visage.Face;

namespace Visage.Workflows.Enrolment;

/// <summary>
/// One template standing for several images of a person: the normalised mean of their unit embeddings. Measured against
/// a template per image on the shared sets in docs/performance.md (issue 15, item 7): it separates genuine from impostor
/// scores better and costs one gallery entry instead of one per image.
/// </summary>
internal static class MeanTemplate
{
    /// <summary>The mean of embeddings of one model, scaled back to unit length; it carries their model version.</summary>
    public static FaceEmbedding Of(IReadOnlyList<FaceEmbedding> embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentOutOfRangeException.ThrowIfZero(embeddings.Count);
        var model = embeddings[0].Model;
        var mean = new float[embeddings[0].Vector.Length];
        foreach (var embedding in embeddings)
        {
            if (!embedding.Model.Equals(model))
            {
                throw new InvalidOperationException($"Embeddings from different models cannot be averaged ({model} vs {embedding.Model}).");
            }

            TensorPrimitives.Add(mean, embedding.Vector, mean);
        }

        TensorPrimitives.Divide(mean, TensorPrimitives.Norm(mean), mean);
        return new FaceEmbedding(mean, model);
    }
}
