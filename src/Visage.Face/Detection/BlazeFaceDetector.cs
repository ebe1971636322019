using OpenCvSharp;

namespace Visage.Face;

/// <summary>
/// MediaPipe BlazeFace (front camera, 128x128) as converted by keijiro: 16x16x2 and 8x8x6 anchors,
/// logit scores, box and six key points as pixel offsets from the anchor centre. The image is
/// letterboxed so that faces keep their aspect ratio.
/// </summary>
internal sealed class BlazeFaceDetector : IFaceDetector
{
    private const int Input = 128;
    private const float NmsIou = 0.3f;

    private readonly OnnxModel model;

    public BlazeFaceDetector(ModelStore store, int threads)
    {
        model = new OnnxModel(store, ModelIds.BlazeFaceDetector, threads);
    }

    public ModelVersion Model => model.Version;

    public IReadOnlyList<FaceCandidate> Detect(Mat bgr, float threshold)
    {
        var scale = (float)Input / Math.Max(bgr.Width, bgr.Height);
        var width = Math.Max(1, (int)Math.Round(bgr.Width * scale));
        var height = Math.Max(1, (int)Math.Round(bgr.Height * scale));
        var padX = (Input - width) / 2;
        var padY = (Input - height) / 2;

        using var resized = new Mat();
        Cv2.Resize(bgr, resized, new Size(width, height), 0, 0, InterpolationFlags.Area);
        using var letterbox = new Mat();
        Cv2.CopyMakeBorder(resized, letterbox, padY, Input - height - padY, padX, Input - width - padX, BorderTypes.Constant, Scalar.All(0));

        var outputs = model.Run(TensorLayout.ToNhwc(letterbox, 127.5f, 1f / 127.5f, rgb: true));
        var candidates = new List<FaceCandidate>();
        Decode(outputs[0], outputs[2], cells: 16, anchorsPerCell: 2, threshold, candidates);
        Decode(outputs[1], outputs[3], cells: 8, anchorsPerCell: 6, threshold, candidates);

        return NonMaxSuppression.Apply(candidates, NmsIou).ConvertAll(c => c with
        {
            Box = new FaceBox((c.Box.X - padX) / scale, (c.Box.Y - padY) / scale, c.Box.Width / scale, c.Box.Height / scale),
        });
    }

    private static void Decode(float[] scores, float[] regressors, int cells, int anchorsPerCell, float threshold, List<FaceCandidate> into)
    {
        for (var cy = 0; cy < cells; cy++)
        {
            for (var cx = 0; cx < cells; cx++)
            {
                for (var a = 0; a < anchorsPerCell; a++)
                {
                    var index = (((cy * cells) + cx) * anchorsPerCell) + a;
                    var score = 1f / (1f + MathF.Exp(-scores[index]));
                    if (score < threshold)
                    {
                        continue;
                    }

                    var r = index * 16;
                    var centreX = ((cx + 0.5f) * Input / cells) + regressors[r];
                    var centreY = ((cy + 0.5f) * Input / cells) + regressors[r + 1];
                    var w = regressors[r + 2];
                    var h = regressors[r + 3];
                    if (w > 0 && h > 0)
                    {
                        into.Add(new FaceCandidate(new FaceBox(centreX - (w / 2), centreY - (h / 2), w, h), score));
                    }
                }
            }
        }
    }

    public void Dispose() => model.Dispose();
}
