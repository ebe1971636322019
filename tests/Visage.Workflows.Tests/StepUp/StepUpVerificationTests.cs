using Visage.Audit;
using Visage.Gallery;
using Visage.Storage.Tests;
using Visage.Workflows.Recognition;
using Visage.Workflows.StepUp;

namespace Visage.Workflows.Tests.StepUp;

/// <summary>Step-up verification, its lockout (held by the audit log, so it survives a restart) and right-patient confirmation. SQLite and PostgreSQL.</summary>
public abstract class StepUpVerificationTests(FaceEngineFixture engine) : WorkflowTests(engine)
{
    private static readonly SecondFactor Totp = new("totp", Verified: true);

    [Fact]
    public async Task Verify_SamePersonWithASecondFactor_Passes_AnotherPersonFails()
    {
        await ApproveAsync(Purposes.StepUp);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");

        var same = await Get<StepUpVerification>().VerifyAsync(Clerk, patient, Capture("img5.jpg"), Totp);
        var other = await Get<StepUpVerification>().VerifyAsync(Clerk, patient, Capture("img16.jpg"), Totp);

        Assert.True(same.Verified);
        Assert.False(other.Verified);
        Assert.Equal(["started", "success", "started", "failure"], (await RecordsAsync(StepUpVerification.Action)).Select(r => r.Outcome));
    }

    [Fact]
    public async Task Verify_WithoutASecondFactor_IsRefused() =>
        Assert.Equal(
            RefusalCodes.SecondFactorMissing,
            (await Assert.ThrowsAsync<WorkflowRefusedException>(async () =>
            {
                await ApproveAsync(Purposes.StepUp);
                var patient = await EnrolledPatientAsync("img1.jpg");
                await Get<StepUpVerification>().VerifyAsync(Clerk, patient, Capture("img5.jpg"), new SecondFactor("totp", Verified: false));
            })).Code);

    [Fact]
    public async Task FiveFailures_LockTheSubject_AcrossARestart_UntilStaffClearIt()
    {
        await ApproveAsync(Purposes.StepUp);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");
        for (var i = 0; i < 5; i++)
        {
            Assert.False((await Get<StepUpVerification>().VerifyAsync(Clerk, patient, Capture("img16.jpg"), Totp)).Verified);
        }

        var locked = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<StepUpVerification>().VerifyAsync(Clerk, patient, Capture("img5.jpg"), Totp));
        Assert.Equal((RefusalCodes.LockedOut, RefusalKind.NotPermitted), (locked.Code, locked.Kind));
        Assert.Single(await AlertsAsync(AccessAlerts.VerificationLockout));

        await ReopenAsync();
        Assert.NotNull(await Get<StepUpVerification>().LockedUntilAsync(patient));
        await Get<StepUpVerification>().ClearLockAsync(Officer, patient);

        Assert.Null(await Get<StepUpVerification>().LockedUntilAsync(patient));
        Assert.True((await Get<StepUpVerification>().VerifyAsync(Clerk, patient, Capture("img5.jpg"), Totp)).Verified);
        Assert.Equal("success", Assert.Single(await RecordsAsync(AccessAlerts.UnlockAction)).Outcome);
        await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<StepUpVerification>().ClearLockAsync(Officer, patient));
    }

    [Fact]
    public async Task RightPatient_ConfirmsTheOrderedPatient_AndRecordsTheOrder()
    {
        await ApproveAsync(Purposes.StepUp);
        var patient = await EnrolledPatientAsync("img1.jpg", "img2.jpg");

        var right = await Get<StepUpVerification>().ConfirmRightPatientAsync(Clerk, patient, "ORD-2026-0042", Capture("img11.jpg"));
        var wrong = await Get<StepUpVerification>().ConfirmRightPatientAsync(Clerk, patient, "ORD-2026-0043", Capture("img13.jpg"));

        Assert.Equal(RightPatientOutcome.Confirmed, right.Outcome);
        Assert.Equal(RightPatientOutcome.NotConfirmed, wrong.Outcome);
        var outcomes = (await RecordsAsync(StepUpVerification.RightPatientAction)).Where(r => r.Outcome == "success").Select(r => r.Reason!).ToList();
        // The order id itself is not kept: its keyed digest is, the same for the same id.
        Assert.Matches("^order #[0-9a-f]{16}; confirmed; score", outcomes[0]);
        Assert.Matches("^order #[0-9a-f]{16}; notconfirmed; score", outcomes[1]);
        Assert.NotEqual(outcomes[0][..23], outcomes[1][..23]);
        Assert.All(await AuditAsync(), r => Assert.DoesNotContain("ORD-2026", r.Reason ?? string.Empty, StringComparison.Ordinal));
        await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<StepUpVerification>().ConfirmRightPatientAsync(Clerk, patient, "not an order id!", Capture("img11.jpg")));
    }
}

public sealed class SqliteStepUpVerificationTests(FaceEngineFixture engine) : StepUpVerificationTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override Task<Storage.StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new Storage.StorageOptions { DataDirectory = Data });
}

public sealed class PostgresStepUpVerificationTests(PostgresCluster cluster, FaceEngineFixture engine) : StepUpVerificationTests(engine), IClassFixture<PostgresCluster>, IClassFixture<FaceEngineFixture>
{
    protected override async Task<Storage.StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
