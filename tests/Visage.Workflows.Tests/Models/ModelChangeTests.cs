using Visage.Gallery;
using Visage.Storage.Tests;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Evaluation;
using Visage.Workflows.Models;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Tests.Models;

/// <summary>
/// A change of model never mixes models: templates another model made are never compared with a probe (check-in sends
/// their owner to the desk), their owners are listed for re-enrolment, and once a model is promoted an engine running
/// any other is refused before it embeds anything. Real faces; SQLite and PostgreSQL.
/// </summary>
public abstract class ModelChangeTests(FaceEngineFixture engine) : WorkflowTests(engine)
{
    private const string RetiredModel = "retired-embedder@1.0.0#0123456789ab";
    private const string OverrideReason = "model committee approved this trial run";

    [Fact]
    public async Task TemplatesOfAnotherModel_AreNeverCompared_AndTheirOwnersAreListedForReenrolment()
    {
        await ApproveAsync(Purposes.CheckIn, Purposes.DuplicateDetection);
        var current = await EnrolledPatientAsync("img1.jpg", "img2.jpg");
        var retired = await ConsentedPatientAsync();
        // The same face's embedding, stored as if an earlier model had made it: a score against it would be high, and meaningless.
        var embedding = (await Get<CaptureInspector>().InspectAsync(Capture("img13.jpg"), qualityGate: false)).Embedding.Vector;
        await Store.EnrolAsync(retired, embedding, Purposes.CheckIn, RetiredModel);

        var claimed = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img14.jpg"), claimed: retired);
        var searched = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img14.jpg"), candidates: [retired, current]);
        await ReopenAsync();
        var afterRestart = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img14.jpg"), claimed: retired);
        var stillRecognised = await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: current);

        Assert.Equal((CheckInOutcome.SeeDesk, (float?)null), (claimed.Outcome, claimed.Score));
        Assert.Equal(CheckInOutcome.SeeDesk, searched.Outcome);
        Assert.Equal((CheckInOutcome.SeeDesk, (float?)null), (afterRestart.Outcome, afterRestart.Score));
        Assert.Equal(CheckInOutcome.Accepted, stillRecognised.Outcome);

        var list = await Get<ReenrolmentWorklist>().ListAsync(Officer);
        var entry = Assert.Single(list.ToReenrol);
        Assert.Equal(retired, entry.SubjectId);
        Assert.Equal((RetiredModel, 1L), (Assert.Single(entry.Templates).ModelVersion, entry.Templates[0].Templates));
        Assert.Equal(1, list.SubjectsCurrent);
        Assert.Equal(Get<CaptureInspector>().ModelVersion, list.EngineModel);
        var record = Assert.Single(await RecordsAsync(ReenrolmentWorklist.Action), r => r.Outcome == "success");
        Assert.Equal("1 subjects to re-enrol; 1 current", record.Reason);
        Assert.Equal(Officer.Id, record.Actor);

        // Enrolled again under the engine's model, the person is recognised and leaves the list.
        await Get<Visage.Workflows.Enrolment.FaceEnrolment>().EnrolAsync(Clerk, retired, [Capture("img13.jpg")]);
        Assert.Equal(CheckInOutcome.Accepted, (await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img14.jpg"), claimed: retired)).Outcome);
        Assert.Empty((await Get<ReenrolmentWorklist>().ListAsync(Officer)).ToReenrol);
    }

    [Fact]
    public async Task OnceAnotherModelIsPromoted_TheEngineIsRefused_UntilItsOwnModelIsActiveAgain()
    {
        await ApproveAsync(Purposes.CheckIn, Purposes.DuplicateDetection);
        var patient = await EnrolledPatientAsync("img1.jpg");
        var engineModel = Get<CaptureInspector>().ModelVersion;
        var registry = Get<ModelRegistry>();

        await registry.PromoteAsync(Officer, RetiredModel, await ReportOfAsync(RetiredModel), null, OverrideReason);
        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: patient));
        var enrolRefused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<Visage.Workflows.Enrolment.FaceEnrolment>().EnrolAsync(Clerk, patient, [Capture("img2.jpg")]));

        Assert.Equal((RefusalCodes.ModelNotApproved, RefusalKind.NotPermitted), (refused.Code, refused.Kind));
        Assert.Equal(RefusalCodes.ModelNotApproved, enrolRefused.Code);
        var record = Assert.Single(await RecordsAsync(PatientCheckIn.Action), r => r.Outcome == "refused");
        Assert.Equal(RefusalCodes.ModelNotApproved, record.Reason);
        Assert.Equal(engineModel, record.ModelVersion);
        Assert.Equal(1, (await Get<ReenrolmentWorklist>().ListAsync(Officer)).SubjectsCurrent); // nothing was added by the refused enrolment

        await registry.PromoteAsync(Officer, engineModel, await ReportOfAsync(engineModel), null, OverrideReason);
        Assert.Equal(CheckInOutcome.Accepted, (await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: patient)).Outcome);

        await registry.RollbackAsync(Officer);
        Assert.Equal(RefusalCodes.ModelNotApproved, (await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: patient))).Code);
    }

    /// <summary>A stored pairs report of <paramref name="model"/> that evaluates no set: its gates fail, so promotion takes an override.</summary>
    private async Task<Guid> ReportOfAsync(string model) =>
        (await Get<EvaluationRecords>().RecordAsync(Officer, "pairs", $$"""{"model":"{{model}}","sets":[]}""")).Id;
}

public sealed class SqliteModelChangeTests(FaceEngineFixture engine) : ModelChangeTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override Task<Storage.StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new Storage.StorageOptions { DataDirectory = Data });
}

public sealed class PostgresModelChangeTests(PostgresCluster cluster, FaceEngineFixture engine) : ModelChangeTests(engine), IClassFixture<PostgresCluster>, IClassFixture<FaceEngineFixture>
{
    protected override async Task<Storage.StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}

/// <summary>With Models:RequireApproval on, nothing is embedded before a model is promoted.</summary>
public sealed class RequiredApprovalTests(FaceEngineFixture engine) : WorkflowTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Models:RequireApproval"] = "true" };

    [Fact]
    public async Task BeforeAnyPromotion_EnrolmentIsRefused()
    {
        await ApproveAsync(Purposes.CheckIn);
        var patient = await ConsentedPatientAsync(Purposes.CheckIn);

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<Visage.Workflows.Enrolment.FaceEnrolment>().EnrolAsync(Clerk, patient, [Capture("img1.jpg")]));

        Assert.Equal(RefusalCodes.ModelNotApproved, refused.Code);
        Assert.Contains("Models:RequireApproval", refused.Message, StringComparison.Ordinal);
    }

    protected override Task<Storage.StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new Storage.StorageOptions { DataDirectory = Data });
}
