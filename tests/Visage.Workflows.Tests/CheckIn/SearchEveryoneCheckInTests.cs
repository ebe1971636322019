using Visage.Gallery;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Review;

namespace Visage.Workflows.Tests.CheckIn;

/// <summary>
/// Check-in without a claim or a list, searching every subject (Recognition:CheckInSearchAll): a confident match is
/// still held for a person, because false positives grow with the number searched (visage eval calibrate cannot show
/// them within target on any gallery here), unless the site turns on Recognition:CheckInSearchAllAccepts.
/// </summary>
public sealed class SearchEveryoneCheckInTests(FaceEngineFixture engine) : WorkflowTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Recognition:CheckInSearchAll"] = "true" };

    protected override Task<Storage.StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new Storage.StorageOptions { DataDirectory = Data });

    [Fact]
    public async Task AMatchFoundBySearchingEveryone_GoesToReview_NotAccepted()
    {
        await ApproveAsync(Purposes.CheckIn, Purposes.DuplicateDetection);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");

        var result = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"));

        Assert.Equal((CheckInOutcome.NeedsReview, patient), (result.Outcome, result.SubjectId));
        Assert.True(result.Score >= 0.45f, "the match is above the accept threshold: only the search's breadth holds it");
        var item = Assert.Single(await Get<ReviewWorklist>().ListAsync());
        Assert.Equal("found by searching every subject", item.Reason);
    }
}

/// <summary>The same search where the site has calibrated and chosen to let such matches through.</summary>
public sealed class SearchEveryoneAcceptingCheckInTests(FaceEngineFixture engine) : WorkflowTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Recognition:CheckInSearchAll"] = "true",
        ["Recognition:CheckInSearchAllAccepts"] = "true",
    };

    protected override Task<Storage.StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new Storage.StorageOptions { DataDirectory = Data });

    [Fact]
    public async Task WithAcceptsOn_AConfidentMatchFromEveryone_IsAccepted()
    {
        await ApproveAsync(Purposes.CheckIn, Purposes.DuplicateDetection);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");

        var result = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"));

        Assert.Equal((CheckInOutcome.Accepted, patient), (result.Outcome, result.SubjectId));
        Assert.Empty(await Get<ReviewWorklist>().ListAsync());
    }
}
