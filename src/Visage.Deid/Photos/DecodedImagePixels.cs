using OpenCvSharp;
using Visage.Face;

namespace Visage.Deid.Photos;

/// <summary>A copy of a decoded image's upright BGR pixels, for callers outside Visage.Face (the CLI, tests).</summary>
internal static class DecodedImagePixels
{
    public static Mat Copy(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.Bgr.Clone();
    }
}
