using OpenCvSharp;

namespace Visage.Workflows.Tests.Enrolment;

/// <summary>A real photo made worse the way captures go wrong: too far away, out of focus, in the dark.</summary>
internal static class DegradedPhotos
{
    public static byte[] Shrunk(byte[] jpeg, double scale)
    {
        using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var small = new Mat();
        Cv2.Resize(image, small, new Size(0, 0), scale, scale, InterpolationFlags.Area);
        return small.ImEncode(".jpg");
    }

    public static byte[] Blurred(byte[] jpeg, int kernel)
    {
        using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var blurred = new Mat();
        Cv2.GaussianBlur(image, blurred, new Size(kernel, kernel), 0);
        return blurred.ImEncode(".jpg");
    }

    public static byte[] Darkened(byte[] jpeg, double factor)
    {
        using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var dark = new Mat();
        image.ConvertTo(dark, -1, factor, 0);
        return dark.ImEncode(".jpg");
    }

    /// <summary>Tilted in the image plane (a head on one side, a camera held crooked).</summary>
    public static byte[] Tilted(byte[] jpeg, double degrees)
    {
        using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var rotation = Cv2.GetRotationMatrix2D(new Point2f(image.Width / 2f, image.Height / 2f), degrees, 1.0);
        using var tilted = new Mat();
        Cv2.WarpAffine(image, tilted, rotation, image.Size(), InterpolationFlags.Linear, BorderTypes.Replicate);
        return tilted.ImEncode(".jpg");
    }
}
