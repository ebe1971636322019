using Visage.Face;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.ActiveLiveness;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Tests.Recognition;

/// <summary>
/// Liveness in the workflows: an active challenge answered with a check-in (the probe must be one of its frames), a
/// replayed or stale nonce. Refusals come before any write, so one database (SQLite) covers them.
/// </summary>
public sealed class CaptureLivenessTests(FaceEngineFixture engine) : WorkflowTests(engine), IClassFixture<FaceEngineFixture>
{
    [Fact]
    public async Task CheckIn_WithAPassedChallenge_IsAccepted_AndItsNonceCannotBeReplayed()
    {
        var patient = await ReadyAsync();
        var challenge = Get<ActiveLivenessChecker>().Issue(LivenessInstruction.TurnLeft);
        byte[][] frames = [Photo("img4.jpg"), Photo("img1.jpg"), Photo("img11.jpg")];

        var accepted = await Get<PatientCheckIn>().CheckInAsync(Clerk, new FaceCapture(frames[2], challenge.Nonce, frames), claimed: patient);
        var replay = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, new FaceCapture(frames[2], challenge.Nonce, frames), claimed: patient));

        Assert.Equal(CheckInOutcome.Accepted, accepted.Outcome);
        Assert.Equal(RefusalCodes.LivenessPrefix + LivenessRefusals.UnknownNonce, replay.Code);
    }

    [Fact]
    public async Task CheckIn_WithAStaleNonce_IsRefused()
    {
        var patient = await ReadyAsync();
        var challenge = Get<ActiveLivenessChecker>().Issue(LivenessInstruction.TurnLeft);
        Clock.Now = Clock.Now.AddMinutes(1);
        byte[][] frames = [Photo("img4.jpg"), Photo("img1.jpg"), Photo("img11.jpg")];

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, new FaceCapture(frames[2], challenge.Nonce, frames), claimed: patient));

        Assert.Equal(RefusalCodes.LivenessPrefix + LivenessRefusals.ExpiredNonce, refused.Code);
        Assert.Equal(refused.Code, (await RecordsAsync(PatientCheckIn.Action)).Single(r => r.Outcome == "refused").Reason);
    }

    [Fact]
    public async Task CheckIn_WithAProbeThatIsNotOneOfTheFrames_IsRefused()
    {
        var patient = await ReadyAsync();
        var challenge = Get<ActiveLivenessChecker>().Issue(LivenessInstruction.TurnLeft);
        byte[][] frames = [Photo("img4.jpg"), Photo("img1.jpg"), Photo("img11.jpg")];

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, new FaceCapture(Photo("img2.jpg"), challenge.Nonce, frames), claimed: patient));

        Assert.Equal(RefusalCodes.LivenessPrefix + "probe-not-a-frame", refused.Code);
    }

    private async Task<Guid> ReadyAsync()
    {
        await ApproveAsync(Purposes.CheckIn);
        return await EnrolledPatientAsync("img1.jpg", "img2.jpg");
    }

    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });

}

/// <summary>
/// A capture the passive model judges not live is refused as a spoof. The model runs here at a 0.9 threshold, where it
/// refuses the shared screen replay (live score 0.56) and passes the three real captures (0.91 and up); see
/// docs/liveness.md for how little six captures say.
/// </summary>
public sealed class PassiveSpoofTests(PassiveSpoofTests.StrictEngine engine) : WorkflowTests(engine), IClassFixture<PassiveSpoofTests.StrictEngine>
{
    [Fact]
    public async Task CheckIn_AScreenReplay_IsRefusedAsASpoof()
    {
        await ApproveAsync(Purposes.CheckIn);
        var replay = File.ReadAllBytes(Path.Combine(SharedDataLocator.Find(), "spoof", "silent_face_anti_spoofing", "fake_screen", "image_F2.jpg"));

        IReadOnlyCollection<Guid> expected = [await ConsentedPatientAsync()];

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, new FaceCapture(replay), candidates: expected));

        Assert.Equal((RefusalCodes.Spoof, RefusalKind.BadInput), (refused.Code, refused.Kind));
        Assert.Equal(RefusalCodes.Spoof, Assert.Single(await RecordsAsync(PatientCheckIn.Action)).Reason);
    }

    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });

    /// <summary>The real engine with passive liveness on at a strict threshold.</summary>
    public sealed class StrictEngine : FaceEngineFixture
    {
        public StrictEngine()
            : base(new FaceEngineOptions { Liveness = { Enabled = true, Threshold = 0.9f } })
        {
        }
    }
}

/// <summary>Required active liveness: a capture without a challenge is refused.</summary>
public sealed class RequiredLivenessTests(FaceEngineFixture engine) : WorkflowTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Recognition:RequireActiveLiveness"] = "true" };

    [Fact]
    public async Task CheckIn_WithoutAChallengeWhereOneIsRequired_IsRefused()
    {
        await ApproveAsync(Purposes.CheckIn);
        IReadOnlyCollection<Guid> expected = [await ConsentedPatientAsync()];

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), candidates: expected));

        Assert.Equal(RefusalCodes.LivenessPrefix + "required", refused.Code);
    }

    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });
}
