using Microsoft.Extensions.Options;
using Visage.Face;
using Visage.Workflows.ActiveLiveness;

namespace Visage.Workflows.Tests.ActiveLiveness;

/// <summary>
/// The active challenge on real photographs from the shared data. A genuine response is assembled from one person's
/// photos at increasing yaw (img4 at -10°, img1 at 3°, img11 at 10°, as the engine measures them); attacks are the same
/// still repeated, a printed photo, a still moved, tilted and rescaled, a photo followed by its mirror image, and frames
/// of two people. Small and synthetic: it shows the checks work, not an error rate.
/// </summary>
public sealed class ActiveLivenessCheckerTests : IClassFixture<ActiveLivenessCheckerTests.Engine>
{
    private static readonly string Faces = Path.Combine(SharedDataLocator.Find(), "faces", "deepface");
    private readonly Engine engine;
    private readonly Clock clock = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
    private readonly ActiveLivenessChecker checker;

    public ActiveLivenessCheckerTests(Engine engine)
    {
        this.engine = engine;
        checker = new ActiveLivenessChecker(engine.Faces, clock, Options.Create(new ActiveLivenessOptions()));
    }

    [Fact]
    public void AGenuineTurn_InTheAskedDirection_Passes()
    {
        var left = Verify(LivenessInstruction.TurnLeft, Photo("img4.jpg"), Photo("img1.jpg"), Photo("img11.jpg"));
        var right = Verify(LivenessInstruction.TurnRight, Photo("img11.jpg"), Photo("img1.jpg"), Photo("img4.jpg"));

        Assert.True(left.Passed, left.ToString());
        Assert.True(right.Passed, right.ToString());
        Assert.InRange(left.YawChangeDegrees, 15f, 40f);
        Assert.True(left.LowestSameFaceSimilarity >= engine.Faces.MatchThreshold);
    }

    [Fact]
    public void AGenuineTurn_TheOtherWay_IsNotFollowed() =>
        AssertRefused(LivenessRefusals.NotFollowed, Verify(LivenessInstruction.TurnRight, Photo("img4.jpg"), Photo("img1.jpg"), Photo("img11.jpg")));

    [Fact]
    public void TheSameStillRepeated_IsNotFollowed() =>
        AssertRefused(LivenessRefusals.NotFollowed, Verify(LivenessInstruction.TurnLeft, Photo("img1.jpg"), Photo("img1.jpg"), Photo("img1.jpg")));

    [Fact]
    public void APrintedPhoto_WhichThePassiveModelPasses_IsNotFollowed()
    {
        var print = File.ReadAllBytes(Path.Combine(SharedDataLocator.Find(), "spoof", "silent_face_anti_spoofing", "fake_print", "image_F1_v2020-06.jpg"));

        AssertRefused(LivenessRefusals.NotFollowed, Verify(LivenessInstruction.TurnLeft, print, print, print));
    }

    [Fact]
    public void AStillMovedTiltedAndRescaled_IsNotFollowed()
    {
        var still = Photo("img1.jpg");

        var verdict = Verify(LivenessInstruction.TurnLeft, StillAttacks.Warp(still, -8, 1.0, 0), StillAttacks.Warp(still, 0, 0.85, 30), StillAttacks.Warp(still, 8, 1.15, -30));

        AssertRefused(LivenessRefusals.NotFollowed, verdict);
        Assert.InRange(verdict.YawChangeDegrees, -8f, 8f);
    }

    [Fact]
    public void APhotoAndItsMirrorImage_LookLikeATurnButHaveNothingInBetween()
    {
        var verdict = Verify(LivenessInstruction.TurnLeft, Photo("img11_reflection.jpg"), Photo("img11.jpg"), Photo("img11.jpg"));

        AssertRefused(LivenessRefusals.NotFollowed, verdict);
        Assert.True(verdict.YawChangeDegrees >= 15f, "the mirror pair alone would have passed a plain yaw-change test");
    }

    [Fact]
    public void TwoPeople_AreDifferentFaces() =>
        AssertRefused(LivenessRefusals.DifferentFaces, Verify(LivenessInstruction.TurnLeft, Photo("img4.jpg"), Photo("img1.jpg"), Photo("img16.jpg")));

    [Fact]
    public void AFrameWithoutAFace_IsRefused() =>
        AssertRefused(LivenessRefusals.NoFace, Verify(
            LivenessInstruction.TurnLeft,
            Photo("img4.jpg"),
            File.ReadAllBytes(Path.Combine(SharedDataLocator.Find(), "faces", "singles", "no_face_IceBlockNearJoekullsarlon.jpg")),
            Photo("img11.jpg")));

    [Fact]
    public void AFrameWithSeveralFaces_IsRefused() =>
        AssertRefused(LivenessRefusals.SeveralFaces, Verify(LivenessInstruction.TurnLeft, Photo("img4.jpg"), Photo("couple.jpg"), Photo("img11.jpg")));

    [Fact]
    public void TooFewFrames_AreRefused() =>
        AssertRefused(LivenessRefusals.FrameCount, Verify(LivenessInstruction.TurnLeft, Photo("img4.jpg"), Photo("img11.jpg")));

    [Fact]
    public void ANonceIsSingleUse_AReplayIsRefused()
    {
        var challenge = Issue(LivenessInstruction.TurnLeft);
        var first = checker.Verify(challenge.Nonce, [Photo("img4.jpg"), Photo("img1.jpg"), Photo("img11.jpg")]);
        var replay = checker.Verify(challenge.Nonce, [Photo("img4.jpg"), Photo("img1.jpg"), Photo("img11.jpg")]);

        Assert.True(first.Passed, first.ToString());
        AssertRefused(LivenessRefusals.UnknownNonce, replay);
        AssertRefused(LivenessRefusals.UnknownNonce, checker.Verify("made-up-nonce", [Photo("img4.jpg"), Photo("img1.jpg"), Photo("img11.jpg")]));
    }

    [Fact]
    public void AStaleNonce_IsRefused()
    {
        var challenge = Issue(LivenessInstruction.TurnLeft);
        clock.Now += TimeSpan.FromSeconds(31);

        AssertRefused(LivenessRefusals.ExpiredNonce, checker.Verify(challenge.Nonce, [Photo("img4.jpg"), Photo("img1.jpg"), Photo("img11.jpg")]));
    }

    [Fact]
    public void IssuedChallenges_HaveDistinctNoncesAndBothInstructions()
    {
        var issued = Enumerable.Range(0, 64).Select(_ => checker.Issue()).ToList();

        Assert.Equal(64, issued.Select(c => c.Nonce).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(2, issued.Select(c => c.Instruction).Distinct().Count());
        Assert.All(issued, c => Assert.Equal(clock.Now.AddSeconds(30), c.ExpiresUtc));
    }

    private static void AssertRefused(string reason, LivenessVerdict verdict)
    {
        Assert.False(verdict.Passed, verdict.ToString());
        Assert.Equal(reason, verdict.Refusal);
    }

    private static byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(Faces, name));

    private LivenessChallenge Issue(LivenessInstruction instruction) => checker.Issue(instruction);

    private LivenessVerdict Verify(LivenessInstruction instruction, params byte[][] frames) => checker.Verify(Issue(instruction).Nonce, frames);

    /// <summary>The real engine with the default models (fetched by scripts/setup), shared by the tests.</summary>
    public sealed class Engine : IDisposable
    {
        public FaceEngine Faces { get; } = new(new FaceEngineOptions(), ModelStore.OpenDefault(null));

        public void Dispose() => Faces.Dispose();
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
