using OpenCvSharp;

namespace Visage.Face;

/// <summary>The faceplugin 68-point landmark model on a 64x64 grey crop of the face box.</summary>
internal sealed class LandmarkLocator : IDisposable
{
    private const int Input = 64;
    private readonly OnnxModel model;

    public LandmarkLocator(ModelStore store, int threads)
    {
        model = new OnnxModel(store, ModelIds.Landmarks, threads);
    }

    public ModelVersion Model => model.Version;

    /// <summary>Returns the 68 points in image coordinates, or null when the box lies outside the image.</summary>
    public Point2[]? Locate(Mat bgr, FaceBox box)
    {
        var clipped = box.ClipTo(bgr.Width, bgr.Height);
        var rect = new Rect((int)clipped.X, (int)clipped.Y, (int)clipped.Width, (int)clipped.Height);
        if (rect.Width < 2 || rect.Height < 2)
        {
            return null;
        }

        using var crop = new Mat(bgr, rect);
        using var resized = new Mat();
        Cv2.Resize(crop, resized, new OpenCvSharp.Size(Input, Input), 0, 0, InterpolationFlags.Linear);
        using var grey = new Mat();
        Cv2.CvtColor(resized, grey, ColorConversionCodes.BGR2GRAY);

        var output = model.Run(TensorLayout.ToNchw(grey, 0f, 1f / 256f, rgb: false))[0];
        var points = new Point2[output.Length / 2];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = new Point2(rect.X + (output[2 * i] * rect.Width), rect.Y + (output[(2 * i) + 1] * rect.Height));
        }

        return points;
    }

    /// <summary>Eye centres (mean of each eye's six points), nose tip, and mouth corners (outer and inner lip).</summary>
    public static FiveLandmarks ToFive(IReadOnlyList<Point2> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Count != 68)
        {
            throw new ArgumentException("Expected 68 points.", nameof(p));
        }

        return new FiveLandmarks(
            Mean(p, 36, 41),
            Mean(p, 42, 47),
            p[30],
            Midpoint(p[48], p[60]),
            Midpoint(p[54], p[64]));
    }

    private static Point2 Mean(IReadOnlyList<Point2> p, int first, int last)
    {
        float x = 0, y = 0;
        for (var i = first; i <= last; i++)
        {
            x += p[i].X;
            y += p[i].Y;
        }

        var n = last - first + 1;
        return new Point2(x / n, y / n);
    }

    private static Point2 Midpoint(Point2 a, Point2 b) => new((a.X + b.X) / 2, (a.Y + b.Y) / 2);

    public void Dispose() => model.Dispose();
}
