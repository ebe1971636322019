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
}
