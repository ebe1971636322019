using OpenCvSharp;
using Visage.Face;

namespace Visage.Benchmarks;

/// <summary>Inputs shared by the benchmarks: the shared data folder and the installed models.</summary>
internal static class BenchmarkData
{
    public static string DataRoot() => SharedDataLocator.Find();

    public static FaceEngine Engine(int threads, bool flipAugmentation = false) =>
        new(new FaceEngineOptions { Threads = threads, FlipAugmentation = flipAugmentation }, ModelStore.OpenDefault());

    /// <summary>A 480x640 (VGA portrait) JPEG of one face, made from a shared portrait.</summary>
    public static byte[] VgaPortraitJpeg()
    {
        using var source = Cv2.ImRead(Path.Combine(DataRoot(), "faces", "deepface", "img1.jpg"));
        using var vga = new Mat();
        Cv2.Resize(source, vga, new Size(480, 640), 0, 0, InterpolationFlags.Area);
        Cv2.ImEncode(".jpg", vga, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        return jpeg;
    }
}
