using Visage.Face;
using Visage.Workflows.ActiveLiveness;

namespace Visage.Workflows.Recognition;

/// <summary>
/// A face as a front end hands it over: the image to recognise and, where a camera answered an active liveness
/// challenge, the challenge's nonce and frames. With a challenge, <see cref="Image"/> must be one of the frames, so the
/// face recognised is the one that proved it was live.
/// </summary>
public sealed record FaceCapture(byte[] Image, string? LivenessNonce = null, IReadOnlyList<byte[]>? LivenessFrames = null);

/// <summary>What the engine made of a capture: the embedding of its one face, the face's quality and the liveness verdicts.</summary>
public sealed record InspectedCapture(FaceEmbedding Embedding, QualityReport Quality, LivenessResult? Passive, LivenessVerdict? Active)
{
    public string ModelVersion => Embedding.Model.ToString();
}
