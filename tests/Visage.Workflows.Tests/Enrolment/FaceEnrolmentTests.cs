using Visage.Gallery;
using Visage.Storage.Tests;
using Visage.Workflows.Consent;
using Visage.Workflows.Enrolment;
using Visage.Workflows.People;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Workflows.Tests.Enrolment;

/// <summary>Enrolment under consent with the quality gate and the duplicate check, on real faces. SQLite and PostgreSQL.</summary>
public abstract class FaceEnrolmentTests(FaceEngineFixture engine) : WorkflowTests(engine)
{
    [Fact]
    public async Task Enrol_SeveralImages_StoresOneTemplateEach_ServingTheConsentedPurposes()
    {
        var patient = await ConsentedPatientAsync(Purposes.CheckIn | Purposes.StepUp);

        var result = await Get<FaceEnrolment>().EnrolAsync(Clerk, patient, [Capture("img1.jpg"), Capture("img2.jpg"), Capture("img5.jpg")]);

        Assert.Equal((EnrolmentOutcome.Enrolled, 3), (result.Outcome, result.Templates));
        var stored = await (await Store.OpenAsync()).Store.GetTemplatesAsync(patient);
        Assert.Equal(3, stored.Count);
        Assert.All(stored, t => Assert.Equal(Purposes.CheckIn | Purposes.StepUp, t.Purposes));
        Assert.All(stored, t => Assert.Equal(result.ModelVersion, t.ModelVersion));
        var success = Assert.Single(await RecordsAsync(FaceEnrolment.Action), r => r.Outcome == "success");
        Assert.StartsWith("enrolled; 3 templates; purposes check-in,step-up", success.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrol_WithoutConsent_IsRefused_AndStoresNothing()
    {
        var person = await Get<PersonRegistry>().AddAsync(Clerk, PersonKind.Patient, new PersonDetails());

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<FaceEnrolment>().EnrolAsync(Clerk, person.Id, [Capture("img1.jpg")]));

        Assert.Equal((RefusalCodes.NoConsent, RefusalKind.NotPermitted), (refused.Code, refused.Kind));
        Assert.Equal(0, await TemplateCountAsync());
        Assert.Equal(("refused", RefusalCodes.NoConsent), Assert.Single(await RecordsAsync(FaceEnrolment.Action)) is var r ? (r.Outcome, r.Reason) : default);
    }

    [Fact]
    public async Task Enrol_AfterWithdrawal_IsRefusedAsWithdrawn()
    {
        var patient = await ConsentedPatientAsync();
        await Get<ConsentRegistry>().WithdrawAsync(Clerk, patient, ConsentEnd.Withdrawn);

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<FaceEnrolment>().EnrolAsync(Clerk, patient, [Capture("img1.jpg")]));

        Assert.Equal(RefusalCodes.ConsentWithdrawn, refused.Code);
    }

    [Fact]
    public async Task Enrol_UnknownSubject_IsRefused() =>
        Assert.Equal(RefusalCodes.UnknownSubject, (await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<FaceEnrolment>().EnrolAsync(Clerk, Guid.NewGuid(), [Capture("img1.jpg")]))).Code);

    [Fact]
    public async Task Enrol_OneBadImageAmongGoodOnes_StoresNoneOfThem_AndNamesTheImage()
    {
        var patient = await ConsentedPatientAsync();

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<FaceEnrolment>().EnrolAsync(Clerk, patient, [Capture("img1.jpg"), Capture("couple.jpg")]));

        Assert.Equal(RefusalCodes.SeveralFaces, refused.Code);
        Assert.StartsWith("Image 2:", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await TemplateCountAsync());
    }

    public static TheoryData<string, string> PoorCaptures => new()
    {
        { "too-small", "shrunk" },
        { "blurred", "blurred" },
        { "exposure", "dark" },
        { "pose", "tilted" },
    };

    [Theory]
    [MemberData(nameof(PoorCaptures))]
    public async Task Enrol_PoorQuality_IsRefusedWithItsReason(string reason, string degradation)
    {
        var patient = await ConsentedPatientAsync();
        var photo = Photo("img1.jpg");
        var poor = degradation switch
        {
            "shrunk" => DegradedPhotos.Shrunk(photo, 0.065),
            "blurred" => DegradedPhotos.Blurred(photo, 201),
            "tilted" => DegradedPhotos.Tilted(photo, 50),
            _ => DegradedPhotos.Darkened(photo, 0.18),
        };

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<FaceEnrolment>().EnrolAsync(Clerk, patient, [new FaceCapture(poor)]));

        Assert.Equal(RefusalCodes.QualityPrefix + reason, refused.Code);
        Assert.Equal(0, await TemplateCountAsync());
    }

    [Fact]
    public async Task Enrol_TheSameFaceAsAnExistingPatient_IsHeldForReview_ThenEnrolledOnceAReviewerRejectsTheSuspicion()
    {
        await ApproveAsync(Purposes.DuplicateDetection);
        var existing = await EnrolledPatientAsync("img1.jpg");
        var second = await ConsentedPatientAsync();

        var held = await Get<FaceEnrolment>().EnrolAsync(Clerk, second, [Capture("img2.jpg")]);

        Assert.Equal(EnrolmentOutcome.DuplicateSuspected, held.Outcome);
        Assert.Equal(existing, Assert.Single(held.Duplicates).SubjectId);
        Assert.Empty(await (await Store.OpenAsync()).Store.GetTemplatesAsync(second));
        var item = Assert.Single(await Get<ReviewWorklist>().ListAsync());
        Assert.Equal((ReviewKind.Duplicate, second), (item.Kind, item.ClaimedSubject));

        // Asking again points at the same open suspicion instead of queueing another.
        Assert.Equal(item.Id, (await Get<FaceEnrolment>().EnrolAsync(Clerk, second, [Capture("img4.jpg")])).ReviewId);
        Assert.Single(await Get<ReviewWorklist>().ListAsync());

        // Naming a review that is still open does not let it through.
        await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<FaceEnrolment>().EnrolAsync(Clerk, second, [Capture("img2.jpg")], item.Id));
        await Get<ReviewWorklist>().DecideAsync(Reviewer, item.Id, ReviewDecision.Reject);
        var enrolled = await Get<FaceEnrolment>().EnrolAsync(Clerk, second, [Capture("img2.jpg")], item.Id);

        Assert.Equal(EnrolmentOutcome.Enrolled, enrolled.Outcome);
    }

    [Fact]
    public async Task Enrol_ADifferentPerson_IsNotADuplicate()
    {
        await ApproveAsync(Purposes.DuplicateDetection);
        await EnrolledPatientAsync("img1.jpg");
        var second = await ConsentedPatientAsync();

        Assert.Equal(EnrolmentOutcome.Enrolled, (await Get<FaceEnrolment>().EnrolAsync(Clerk, second, [Capture("img13.jpg")])).Outcome);
    }
}

public sealed class SqliteFaceEnrolmentTests(FaceEngineFixture engine) : FaceEnrolmentTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override Task<Storage.StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new Storage.StorageOptions { DataDirectory = Data });
}

public sealed class PostgresFaceEnrolmentTests(PostgresCluster cluster, FaceEngineFixture engine) : FaceEnrolmentTests(engine), IClassFixture<PostgresCluster>, IClassFixture<FaceEngineFixture>
{
    protected override async Task<Storage.StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}

/// <summary>Recognition:EnrolmentTemplate = Mean: one template for an enrolment of several images.</summary>
public sealed class MeanTemplateEnrolmentTests(FaceEngineFixture engine) : WorkflowTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Recognition:EnrolmentTemplate"] = "Mean" };

    protected override Task<Storage.StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new Storage.StorageOptions { DataDirectory = Data });

    [Fact]
    public async Task Enrol_ThreePhotos_StoresOneMeanTemplate_ThatAHeldOutPhotoIsScoredAgainst()
    {
        var patient = await ConsentedPatientAsync(Purposes.CheckIn);
        var photos = new[] { "img1.jpg", "img2.jpg", "img5.jpg" }.Select(n => Get<Visage.Face.FaceEngine>().CreateTemplate(Photo(n)).Embedding).ToList();
        var heldOut = Get<Visage.Face.FaceEngine>().CreateTemplate(Photo("img4.jpg")).Embedding;

        var result = await Get<FaceEnrolment>().EnrolAsync(Clerk, patient, [Capture("img1.jpg"), Capture("img2.jpg"), Capture("img5.jpg")]);

        Assert.Equal((EnrolmentOutcome.Enrolled, 1), (result.Outcome, result.Templates));
        Assert.Single(await (await Store.OpenAsync()).Store.GetTemplatesAsync(patient));
        var score = await Get<ConsentedGallery>().VerifyAsync(heldOut.Vector, patient, Purposes.CheckIn, CancellationToken.None);
        var bestOfThree = photos.Max(heldOut.Similarity);
        Assert.Equal(MeanTemplate.Of(photos).Similarity(heldOut), score!.Value, 1e-3f);
        Assert.NotEqual(bestOfThree, score.Value, 1e-3f);
        var success = Assert.Single(await RecordsAsync(FaceEnrolment.Action), r => r.Outcome == "success");
        Assert.StartsWith("enrolled; 1 templates (mean of 3 images); purposes check-in", success.Reason, StringComparison.Ordinal);
    }
}
