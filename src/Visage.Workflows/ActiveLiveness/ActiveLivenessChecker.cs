using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Visage.Face;

namespace Visage.Workflows.ActiveLiveness;

/// <summary>
/// Active liveness against printed and replayed photos: issues a random instruction bound to a fresh, single-use nonce,
/// then judges the returned frames. A response passes only if every frame shows exactly one face, the same face
/// throughout (embedding similarity to the first frame), the head turned the asked way by at least
/// <see cref="ActiveLivenessOptions.MinYawChangeDegrees"/> through at least one intermediate pose without stepping back,
/// and (when the engine's passive model is on) every frame is judged live. Yaw comes from the landmarks after alignment,
/// so moving, tilting or rescaling a flat photo does not change it. Nonces live in this process only: a node issues
/// and verifies its own.
/// </summary>
public sealed class ActiveLivenessChecker(FaceEngine engine, TimeProvider time, IOptions<ActiveLivenessOptions> options)
{
    private readonly ConcurrentDictionary<string, LivenessChallenge> pending = new(StringComparer.Ordinal);

    public LivenessChallenge Issue() =>
        Issue(RandomNumberGenerator.GetInt32(2) == 0 ? LivenessInstruction.TurnLeft : LivenessInstruction.TurnRight);

    /// <summary>A challenge with a chosen instruction (tests; a host issues random ones).</summary>
    internal LivenessChallenge Issue(LivenessInstruction instruction)
    {
        var now = time.GetUtcNow();
        foreach (var stale in pending.Where(p => p.Value.ExpiresUtc <= now).Select(p => p.Key).ToList())
        {
            pending.TryRemove(stale, out _);
        }

        var challenge = new LivenessChallenge(Base64Url(RandomNumberGenerator.GetBytes(16)), instruction, now + options.Value.NonceLifetime);
        pending[challenge.Nonce] = challenge;
        return challenge;
    }

    /// <summary>Judges a response; the nonce is spent whatever the verdict, so it can never be answered twice.</summary>
    public LivenessVerdict Verify(string nonce, IReadOnlyList<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var settings = options.Value;
        if (nonce is null || !pending.TryRemove(nonce, out var challenge))
        {
            return Refused(LivenessRefusals.UnknownNonce);
        }

        if (time.GetUtcNow() > challenge.ExpiresUtc)
        {
            return Refused(LivenessRefusals.ExpiredNonce);
        }

        if (frames.Count < settings.MinFrames || frames.Count > settings.MaxFrames)
        {
            return Refused(LivenessRefusals.FrameCount);
        }

        var observed = new List<(float Yaw, FaceEmbedding Embedding, LivenessResult? Live)>(frames.Count);
        foreach (var frame in frames)
        {
            using var image = engine.Decode(frame);
            var faces = engine.Detect(image);
            if (faces.Count == 0)
            {
                return Refused(LivenessRefusals.NoFace);
            }

            // The largest face answers (detections come largest first); a second face at least half its width is a
            // second person in front of the camera, a small one far behind is not.
            if (Recognition.CaptureInspector.HasSecondPerson(faces))
            {
                return Refused(LivenessRefusals.SeveralFaces);
            }

            using var aligned = FaceEngine.Align(image, faces[0]);
            var quality = engine.AssessQuality(faces[0], aligned);
            var live = engine.PassiveLivenessEnabled ? engine.Liveness.Assess(image, faces[0]) : null;
            observed.Add((quality.YawDegrees, engine.Embed(aligned), live));
        }

        var sameFace = observed.Skip(1).Select(o => o.Embedding.Similarity(observed[0].Embedding)).DefaultIfEmpty(1f).Min();
        // Positive when the head moved the asked way.
        var sign = challenge.Instruction == LivenessInstruction.TurnLeft ? 1f : -1f;
        var path = observed.Select(o => sign * (o.Yaw - observed[0].Yaw)).ToList();
        var change = path[^1];
        var lowestLive = observed.All(o => o.Live is null) ? (float?)null : observed.Min(o => o.Live?.LiveScore ?? 1f);
        var threshold = settings.SameFaceThreshold ?? engine.MatchThreshold;
        if (sameFace < threshold)
        {
            return new LivenessVerdict(false, LivenessRefusals.DifferentFaces, change, sameFace, lowestLive);
        }

        var steadyTurn = path.Zip(path.Skip(1)).All(step => step.Second - step.First >= -settings.MaxBackstepDegrees);
        var intermediate = path.Skip(1).SkipLast(1).Any(p => p >= settings.MinIntermediateDegrees && p <= change - settings.MinIntermediateDegrees);
        if (change < settings.MinYawChangeDegrees || !steadyTurn || !intermediate)
        {
            return new LivenessVerdict(false, LivenessRefusals.NotFollowed, change, sameFace, lowestLive);
        }

        if (observed.Any(o => o.Live is { IsLive: false }))
        {
            return new LivenessVerdict(false, LivenessRefusals.PassiveSpoof, change, sameFace, lowestLive);
        }

        return new LivenessVerdict(true, null, change, sameFace, lowestLive);
    }

    private static LivenessVerdict Refused(string reason) => new(false, reason, 0f, 0f, null);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
