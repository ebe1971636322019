using OpenCvSharp;

namespace Visage.Workflows.Tests.ActiveLiveness;

/// <summary>
/// What an attacker with one photograph can make of it: the still moved, tilted and rescaled in the image plane, or
/// mirrored. Shared by the tests and the <c>liveness-active</c> benchmark (linked there).
/// </summary>
internal static class StillAttacks
{
    /// <summary>Turned <paramref name="degrees"/> in the image plane, rescaled and shifted sideways: what holding a print differently does.</summary>
    public static byte[] Warp(byte[] jpeg, double degrees, double scale, int shift)
    {
        using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var rotation = Cv2.GetRotationMatrix2D(new Point2f(image.Width / 2f, image.Height / 2f), degrees, scale);
        rotation.Set(0, 2, rotation.Get<double>(0, 2) + shift);
        using var warped = new Mat();
        Cv2.WarpAffine(image, warped, rotation, image.Size(), InterpolationFlags.Linear, BorderTypes.Replicate);
        return warped.ImEncode(".jpg");
    }

    /// <summary>The photograph's mirror image, whose measured yaw is the original's negated.</summary>
    public static byte[] Mirror(byte[] jpeg)
    {
        using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var flipped = new Mat();
        Cv2.Flip(image, flipped, FlipMode.Y);
        return flipped.ImEncode(".jpg");
    }
}
