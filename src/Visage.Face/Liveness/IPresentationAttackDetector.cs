namespace Visage.Face;

/// <summary>Passive presentation-attack detection on a single capture.</summary>
public interface IPresentationAttackDetector
{
    ModelVersion Model { get; }

    LivenessResult Assess(DecodedImage image, DetectedFace face);
}

/// <summary>Live-class probability, the decision at the configured threshold, and the model that decided.</summary>
public sealed record LivenessResult(float LiveScore, bool IsLive, float Threshold, ModelVersion Model);
