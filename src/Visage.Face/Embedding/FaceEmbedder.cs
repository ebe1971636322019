using System.Globalization;
using System.Numerics.Tensors;
using System.Text.RegularExpressions;
using OpenCvSharp;

namespace Visage.Face;

/// <summary>
/// An embedding model from the manifest (role <c>embedder</c>) on five-point-aligned 112x112 faces. Colour order and
/// the <c>(x-mean)/scale</c> normalisation come from the manifest entry, so an ArcFace-class model is one entry away.
/// With flip augmentation the mirrored crop is embedded too and the two unit vectors are averaged.
/// </summary>
internal sealed partial class FaceEmbedder : IDisposable
{
    /// <summary>Appended to the model version when flip augmentation is on: it changes every embedding.</summary>
    public const string FlipVersionSuffix = "+flip";

    private readonly OnnxModel model;
    private readonly bool flip;
    private readonly bool rgb;
    private readonly float mean;
    private readonly float scale;

    public FaceEmbedder(ModelStore store, string modelId, int threads, bool flip)
    {
        var entry = store.Manifest.Get(modelId);
        if (!string.Equals(entry.Role, "embedder", StringComparison.Ordinal))
        {
            throw new ModelIntegrityException($"Model '{modelId}' has role '{entry.Role}' in the manifest, not 'embedder'.");
        }

        if (entry.Input.Shape is not [1, 3, FaceAligner.Size, FaceAligner.Size] || !string.Equals(entry.Input.Layout, "NCHW", StringComparison.Ordinal))
        {
            throw new ModelIntegrityException($"Embedder '{modelId}' must take NCHW [1, 3, {FaceAligner.Size}, {FaceAligner.Size}] aligned faces (the manifest says [{string.Join(", ", entry.Input.Shape)}] {entry.Input.Layout}).");
        }

        rgb = entry.Input.ColorOrder switch
        {
            "RGB" => true,
            "BGR" => false,
            _ => throw new ModelIntegrityException($"Embedder '{modelId}': colorOrder must be 'RGB' or 'BGR', not '{entry.Input.ColorOrder}'."),
        };
        (mean, scale) = ParseNormalization(modelId, entry.Input.Normalization);
        model = new OnnxModel(store, modelId, threads);
        this.flip = flip;
        Model = flip ? model.Version with { Version = model.Version.Version + FlipVersionSuffix } : model.Version;
    }

    /// <summary>The version every embedding carries; includes <see cref="FlipVersionSuffix"/> so templates of the two configurations are never compared.</summary>
    public ModelVersion Model { get; }

    public FaceEmbedding Embed(AlignedFace face)
    {
        var vector = EmbedUnit(face.Bgr);
        if (flip)
        {
            using var mirrored = new Mat();
            Cv2.Flip(face.Bgr, mirrored, FlipMode.Y);
            TensorPrimitives.Add(vector, EmbedUnit(mirrored), vector);
            Normalise(vector);
        }

        return new FaceEmbedding(vector, Model);
    }

    private float[] EmbedUnit(Mat bgr)
    {
        var vector = model.Run(TensorLayout.ToNchw(bgr, mean, 1f / scale, rgb))[0];
        Normalise(vector);
        return vector;
    }

    private void Normalise(float[] vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm <= float.Epsilon || float.IsNaN(norm))
        {
            throw new InvalidOperationException($"Model {Model} produced a zero or invalid embedding.");
        }

        TensorPrimitives.Divide(vector, norm, vector);
    }

    /// <summary>Reads the manifest's <c>(x-127.5)/127.5</c> form; anything else is refused rather than guessed.</summary>
    internal static (float Mean, float Scale) ParseNormalization(string modelId, string text)
    {
        var match = NormalizationPattern().Match(text ?? string.Empty);
        if (!match.Success
            || !float.TryParse(match.Groups["mean"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var mean)
            || !float.TryParse(match.Groups["scale"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale)
            || scale <= 0)
        {
            throw new ModelIntegrityException($"Embedder '{modelId}': normalization must read '(x-MEAN)/SCALE', e.g. '(x-127.5)/127.5'; got '{text}'.");
        }

        return (mean, scale);
    }

    [GeneratedRegex(@"^\s*\(\s*x\s*-\s*(?<mean>[0-9]+(\.[0-9]+)?)\s*\)\s*/\s*(?<scale>[0-9]+(\.[0-9]+)?)\s*$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex NormalizationPattern();

    public void Dispose() => model.Dispose();
}
