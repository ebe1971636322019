namespace Visage.Workflows.ActiveLiveness;

/// <summary>
/// What the person is asked to do. Directions are the person's own, in an unmirrored camera frame: turning to one's
/// left moves the nose towards the image's right, which the engine measures as a growing yaw.
/// </summary>
public enum LivenessInstruction
{
    TurnLeft,
    TurnRight,
}

/// <summary>
/// One issued challenge: a random, single-use nonce bound to a random instruction, valid until <see cref="ExpiresUtc"/>.
/// The client shows <see cref="Prompt"/> and returns a short sequence of frames with the nonce.
/// </summary>
public sealed record LivenessChallenge(string Nonce, LivenessInstruction Instruction, DateTimeOffset ExpiresUtc)
{
    public string Prompt => Instruction == LivenessInstruction.TurnLeft
        ? "Turn your head slowly to your left"
        : "Turn your head slowly to your right";
}

/// <summary>Why a response was not accepted; the codes are stable (audit reason codes, API problem types).</summary>
public static class LivenessRefusals
{
    public const string UnknownNonce = "nonce-unknown-or-used";
    public const string ExpiredNonce = "nonce-expired";
    public const string FrameCount = "frame-count";
    public const string NoFace = "no-face";
    public const string SeveralFaces = "several-faces";
    public const string DifferentFaces = "different-faces";
    public const string NotFollowed = "instruction-not-followed";
    public const string PassiveSpoof = "passive-spoof";
}

/// <summary>
/// The decision on one response, with the evidence: the yaw moved in the asked direction from the first frame to the
/// last, the lowest similarity of any frame to the first, and the lowest passive live score (null when passive liveness is off).
/// </summary>
public sealed record LivenessVerdict(bool Passed, string? Refusal, float YawChangeDegrees, float LowestSameFaceSimilarity, float? LowestPassiveScore);
