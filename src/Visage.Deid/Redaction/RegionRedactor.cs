using OpenCvSharp;

namespace Visage.Deid.Redaction;

/// <summary>Blurs, pixelates or blacks out rectangles of an 8-bit image in place.</summary>
internal static class RegionRedactor
{
    // Blocks across the longer side: coarse enough that the face engine cannot match the result to the original.
    private const int PixelateBlocks = 4;

    // Longer side, in pixels, of the copy a blur works on.
    private const int BlurWorkingSize = 48;

    /// <summary>
    /// Grows a region by <paramref name="margin"/> of its size on every side (at least two pixels) and clips it to
    /// the image; empty when nothing of it lies inside the image.
    /// </summary>
    public static Rect Expand(Rect region, double margin, int imageWidth, int imageHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        var dx = Math.Max(2, (int)Math.Ceiling(region.Width * margin));
        var dy = Math.Max(2, (int)Math.Ceiling(region.Height * margin));
        var left = Math.Clamp(region.Left - dx, 0, imageWidth);
        var top = Math.Clamp(region.Top - dy, 0, imageHeight);
        var right = Math.Clamp(region.Right + dx, 0, imageWidth);
        var bottom = Math.Clamp(region.Bottom + dy, 0, imageHeight);
        return right > left && bottom > top ? new Rect(left, top, right - left, bottom - top) : default;
    }

    public static void Apply(Mat image, Rect region, RedactionStyle style)
    {
        ArgumentNullException.ThrowIfNull(image);
        region &= new Rect(0, 0, image.Width, image.Height);
        if (region.Width <= 0 || region.Height <= 0)
        {
            return;
        }

        using var roi = new Mat(image, region);
        switch (style)
        {
            case RedactionStyle.SolidBox:
                roi.SetTo(Scalar.All(0));
                break;
            case RedactionStyle.Pixelate:
                Pixelate(roi);
                break;
            case RedactionStyle.Blur:
                Blur(roi);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(style), style, "Unknown redaction style.");
        }
    }

    private static void Pixelate(Mat roi)
    {
        var block = Math.Max(2, (int)Math.Ceiling(Math.Max(roi.Width, roi.Height) / (double)PixelateBlocks));
        var small = new Size(Math.Max(1, (int)Math.Ceiling(roi.Width / (double)block)), Math.Max(1, (int)Math.Ceiling(roi.Height / (double)block)));
        using var reduced = new Mat();
        Cv2.Resize(roi, reduced, small, 0, 0, InterpolationFlags.Area);
        using var enlarged = new Mat();
        Cv2.Resize(reduced, enlarged, roi.Size(), 0, 0, InterpolationFlags.Nearest);
        enlarged.CopyTo(roi);
    }

    private static void Blur(Mat roi)
    {
        // A sigma of a third of the region leaves only overall colour. Blurring a small copy and scaling it back
        // gives the same result as a full-size kernel (thousands of pixels wide for a large face) at a fraction of the cost.
        var scale = Math.Min(1.0, BlurWorkingSize / (double)Math.Max(roi.Width, roi.Height));
        var small = new Size(Math.Max(1, (int)Math.Round(roi.Width * scale)), Math.Max(1, (int)Math.Round(roi.Height * scale)));
        using var reduced = new Mat();
        Cv2.Resize(roi, reduced, small, 0, 0, InterpolationFlags.Area);
        var sigma = Math.Max(1.0, Math.Max(small.Width, small.Height) / 3.0);
        using var blurred = new Mat();
        Cv2.GaussianBlur(reduced, blurred, new Size(0, 0), sigma, sigma, BorderTypes.Reflect101);
        using var enlarged = new Mat();
        Cv2.Resize(blurred, enlarged, roi.Size(), 0, 0, InterpolationFlags.Linear);
        enlarged.CopyTo(roi);
    }
}
