using System.Numerics.Tensors;

namespace Visage.Gallery;

/// <summary>Checks that a template or probe is what the gallery's error bounds assume: 512 finite components, unit length.</summary>
internal static class UnitVector
{
    /// <summary>How far the L2 norm may be from 1; the embedder normalises, this only catches the wrong input.</summary>
    public const double NormTolerance = 1e-3;

    // Messages name the rule, never a component or the norm: they may end up in logs.
    public static void Validate(ReadOnlySpan<float> vector, string paramName)
    {
        if (vector.Length != FaceGallery.Dimension)
        {
            throw new ArgumentException(
                $"A template must have {FaceGallery.Dimension} components; this one has {vector.Length}.", paramName);
        }

        // NaN and infinities make the sum non-finite, so the per-component check runs only then.
        var sumOfSquares = (double)TensorPrimitives.Dot(vector, vector);
        if (!double.IsFinite(sumOfSquares))
        {
            foreach (var component in vector)
            {
                if (!float.IsFinite(component))
                {
                    throw new ArgumentException("A template must not contain NaN or infinite components.", paramName);
                }
            }
        }

        if (Math.Abs(Math.Sqrt(sumOfSquares) - 1) > NormTolerance)
        {
            throw new ArgumentException(
                $"A template must be L2-normalised (norm within {NormTolerance.ToString(System.Globalization.CultureInfo.InvariantCulture)} of 1).",
                paramName);
        }
    }
}
