using OpenCvSharp;

namespace Visage.Face;

/// <summary>An upright (EXIF orientation applied) 8-bit BGR image held in native memory.</summary>
public sealed class DecodedImage : IDisposable
{
    internal DecodedImage(Mat bgr, ImageFormat format, int orientation)
    {
        Bgr = bgr;
        Format = format;
        Orientation = orientation;
    }

    internal Mat Bgr { get; }

    public int Width => Bgr.Width;

    public int Height => Bgr.Height;

    public ImageFormat Format { get; }

    /// <summary>The EXIF orientation (1-8) that was applied to make the image upright.</summary>
    public int Orientation { get; }

    /// <summary>Wraps a copy of a BGR or grey pixel matrix (for benchmarks, tests and video frames).</summary>
    internal static DecodedImage FromMat(Mat source)
    {
        var bgr = new Mat();
        if (source.Channels() == 1)
        {
            Cv2.CvtColor(source, bgr, ColorConversionCodes.GRAY2BGR);
        }
        else
        {
            source.CopyTo(bgr);
        }

        return new DecodedImage(bgr, ImageFormat.Unknown, 1);
    }

    public void Dispose() => Bgr.Dispose();
}
