using OpenCvSharp;
using Visage.Face;

namespace Visage.Deid.Dicom.Pixels;

/// <summary>Boxes (with margin) of every face the engine detects in a rendered frame.</summary>
internal sealed class FaceRegionFinder
{
    private readonly FaceEngine engine;
    private readonly double marginFraction;

    public FaceRegionFinder(FaceEngine engine, double marginFraction)
    {
        ArgumentNullException.ThrowIfNull(engine);
        this.engine = engine;
        this.marginFraction = marginFraction;
    }

    public IReadOnlyList<Rect> Find(Mat display)
    {
        ArgumentNullException.ThrowIfNull(display);
        using var image = DecodedImage.FromMat(display);
        return engine.Detect(image)
            .Select(face =>
            {
                var dx = (int)Math.Ceiling(face.Box.Width * marginFraction);
                var dy = (int)Math.Ceiling(face.Box.Height * marginFraction);
                var left = (int)Math.Floor(face.Box.X) - dx;
                var top = (int)Math.Floor(face.Box.Y) - dy;
                var box = new Rect(left, top, (int)Math.Ceiling(face.Box.Width) + (2 * dx), (int)Math.Ceiling(face.Box.Height) + (2 * dy));
                return box.Intersect(new Rect(0, 0, display.Width, display.Height));
            })
            .Where(box => box.Width > 0 && box.Height > 0)
            .ToList();
    }
}
