using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Visage.Face;

/// <summary>Turns 8-bit images into the float tensors the models expect.</summary>
internal static class TensorLayout
{
    /// <summary>NCHW planes of <c>(pixel - mean) * scale</c>; swaps B and R when <paramref name="rgb"/> is set.</summary>
    public static float[] ToNchw(Mat image, float mean, float scale, bool rgb)
    {
        using var blob = OpenCvSharp.Dnn.CvDnn.BlobFromImage(image, scale, new Size(image.Width, image.Height), new Scalar(mean, mean, mean), swapRB: rgb, crop: false);
        return CopyFloats(blob, image.Width * image.Height * image.Channels());
    }

    /// <summary>NHWC (interleaved) values of <c>(pixel - mean) * scale</c>.</summary>
    public static float[] ToNhwc(Mat image, float mean, float scale, bool rgb)
    {
        using var converted = new Mat();
        if (rgb && image.Channels() == 3)
        {
            using var swapped = new Mat();
            Cv2.CvtColor(image, swapped, ColorConversionCodes.BGR2RGB);
            swapped.ConvertTo(converted, MatType.CV_32FC3, scale, -mean * scale);
        }
        else
        {
            image.ConvertTo(converted, MatType.CV_32FC(image.Channels()), scale, -mean * scale);
        }

        return CopyFloats(converted, image.Width * image.Height * image.Channels());
    }

    private static float[] CopyFloats(Mat mat, int count)
    {
        var result = new float[count];
        using var continuous = mat.IsContinuous() ? null : mat.Clone();
        Marshal.Copy((continuous ?? mat).Data, result, 0, count);
        return result;
    }
}
