using OpenCvSharp;

namespace Visage.Face;

/// <summary>Warps a face onto the standard 112x112 five-point template (ArcFace reference points).</summary>
internal static class FaceAligner
{
    public const int Size = 112;

    /// <summary>Eye centres, nose tip and mouth corners of the 112x112 reference face.</summary>
    public static readonly IReadOnlyList<Point2> Reference =
    [
        new(38.2946f, 51.6963f),
        new(73.5318f, 51.5014f),
        new(56.0252f, 71.7366f),
        new(41.5493f, 92.3655f),
        new(70.7299f, 92.2041f),
    ];

    public static AlignedFace Align(Mat bgr, FiveLandmarks landmarks)
    {
        var transform = SimilarityTransform.Estimate(landmarks.Points, Reference);
        using var matrix = Mat.FromArray(transform.ToMatrix());
        var aligned = new Mat();
        Cv2.WarpAffine(bgr, aligned, matrix, new OpenCvSharp.Size(Size, Size), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
        return new AlignedFace(aligned, transform);
    }
}

/// <summary>A 112x112 BGR face crop and the transform that produced it.</summary>
public sealed class AlignedFace : IDisposable
{
    internal AlignedFace(Mat bgr, SimilarityTransform transform)
    {
        Bgr = bgr;
        Transform = transform;
    }

    internal Mat Bgr { get; }

    public SimilarityTransform Transform { get; }

    public void Dispose() => Bgr.Dispose();
}
