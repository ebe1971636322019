using OpenCvSharp;

namespace Visage.Face;

/// <summary>Finds face boxes in an upright BGR image.</summary>
internal interface IFaceDetector : IDisposable
{
    ModelVersion Model { get; }

    IReadOnlyList<FaceCandidate> Detect(Mat bgr, float threshold);
}
