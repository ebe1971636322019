using OpenCvSharp;

namespace Visage.Face;

/// <summary>
/// The faceplugin liveness classifier (a MiniFASNet-style network): the face box enlarged 2.7× about its
/// centre, shifted to stay inside the image, resized to 128x128, RGB, raw 0–255 values, three-way softmax.
/// </summary>
internal sealed class FacepluginLivenessDetector : IPresentationAttackDetector, IDisposable
{
    private const int Input = 128;
    private const float Context = 2.7f;
    private readonly OnnxModel model;
    private readonly float threshold;

    public FacepluginLivenessDetector(ModelStore store, int threads, float threshold)
    {
        model = new OnnxModel(store, ModelIds.Liveness, threads);
        this.threshold = threshold;
    }

    public ModelVersion Model => model.Version;

    /// <summary>Index of the softmax class taken as "live".</summary>
    internal const int LiveClass = 1;

    public LivenessResult Assess(DecodedImage image, DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(face);
        var probabilities = Probabilities(image.Bgr, face.Box);
        var live = probabilities[LiveClass];
        return new LivenessResult(live, live >= threshold, threshold, Model);
    }

    internal float[] Probabilities(Mat bgr, FaceBox box)
    {
        using var crop = CropWithContext(bgr, box);
        using var resized = new Mat();
        Cv2.Resize(crop, resized, new OpenCvSharp.Size(Input, Input), 0, 0, InterpolationFlags.Linear);
        var logits = model.Run(TensorLayout.ToNchw(resized, 0f, 1f, rgb: true))[0];
        var max = logits.Max();
        var exp = logits.Select(l => MathF.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }

    private static Mat CropWithContext(Mat bgr, FaceBox box)
    {
        var scale = Math.Min(Context, Math.Min((bgr.Height - 1) / box.Height, (bgr.Width - 1) / box.Width));
        var w = box.Width * scale;
        var h = box.Height * scale;
        var c = box.Centre;
        var x1 = Math.Clamp(c.X - (w / 2), 0, bgr.Width - w);
        var y1 = Math.Clamp(c.Y - (h / 2), 0, bgr.Height - h);
        var rect = new Rect((int)x1, (int)y1, Math.Max(1, (int)w), Math.Max(1, (int)h));
        rect = rect.Intersect(new Rect(0, 0, bgr.Width, bgr.Height));
        return new Mat(bgr, rect).Clone();
    }

    public void Dispose() => model.Dispose();
}
