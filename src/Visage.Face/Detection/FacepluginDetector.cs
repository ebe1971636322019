using OpenCvSharp;

namespace Visage.Face;

/// <summary>
/// The faceplugin 320x240 detector. Its graph already decodes the anchor offsets: <c>boxes</c> holds
/// x1,y1,x2,y2 normalised to the input and <c>scores</c> a (background, face) softmax per anchor.
/// </summary>
internal sealed class FacepluginDetector : IFaceDetector
{
    private const int InputWidth = 320;
    private const int InputHeight = 240;
    private const float NmsIou = 0.4f;

    private readonly OnnxModel model;

    public FacepluginDetector(ModelStore store, int threads)
    {
        model = new OnnxModel(store, ModelIds.FacepluginDetector, threads);
    }

    public ModelVersion Model => model.Version;

    public IReadOnlyList<FaceCandidate> Detect(Mat bgr, float threshold)
    {
        using var resized = new Mat();
        Cv2.Resize(bgr, resized, new Size(InputWidth, InputHeight), 0, 0, InterpolationFlags.Linear);
        var outputs = model.Run(TensorLayout.ToNchw(resized, 127f, 1f / 128f, rgb: false));
        var (scores, boxes) = (outputs[0], outputs[1]);

        var candidates = new List<FaceCandidate>();
        var anchors = scores.Length / 2;
        for (var i = 0; i < anchors; i++)
        {
            var score = scores[(2 * i) + 1];
            if (score < threshold)
            {
                continue;
            }

            var box = FaceBox.FromCorners(
                boxes[4 * i] * bgr.Width,
                boxes[(4 * i) + 1] * bgr.Height,
                boxes[(4 * i) + 2] * bgr.Width,
                boxes[(4 * i) + 3] * bgr.Height);
            if (box.Width > 0 && box.Height > 0)
            {
                candidates.Add(new FaceCandidate(box, score));
            }
        }

        return NonMaxSuppression.Apply(candidates, NmsIou).ConvertAll(c => c with { Box = Square(c.Box) });
    }

    /// <summary>The landmark model was trained on square crops whose side is the box height.</summary>
    private static FaceBox Square(FaceBox box)
    {
        var side = box.Height;
        var centre = box.Centre;
        return new FaceBox(centre.X - (side / 2), centre.Y - (side / 2), side, side);
    }

    public void Dispose() => model.Dispose();
}
