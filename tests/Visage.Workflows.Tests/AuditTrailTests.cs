using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Consent;
using Visage.Workflows.Emergency;
using Visage.Workflows.Enrolment;
using Visage.Workflows.People;
using Visage.Workflows.Retention;
using Visage.Workflows.Review;
using Visage.Workflows.StepUp;

namespace Visage.Workflows.Tests;

/// <summary>
/// Every operation of the services on protected data, run once, leaves its records: who (actor and role), which
/// purpose, which subject, the outcome with its reason, and the model or key version. One story through all of them,
/// then one row per action. SQLite and PostgreSQL.
/// </summary>
public abstract class AuditTrailTests(FaceEngineFixture engine) : WorkflowTests(engine)
{
    [Fact]
    public async Task EveryServiceOperation_LeavesItsStartedAndOutcomeRecords_WithActorPurposeSubjectAndVersion()
    {
        await ApproveAsync(Purposes.CheckIn, Purposes.StepUp, Purposes.EmergencyIdentification);
        var people = Get<PersonRegistry>();
        var person = (await people.AddAsync(Clerk, PersonKind.Patient, new PersonDetails("Maria Exampleperson", null, "MRN-0048213"))).Id;
        await people.ReadDetailsAsync(Clerk, person);
        await people.FindByMrnAsync(Clerk, "MRN-0048213");
        var notice = await Get<ConsentNotices>().AddAsync(Officer, "Visage compares your face with the photos you agree to store. You may withdraw at any time.", "en");
        await Get<ConsentRegistry>().GrantAsync(Clerk, person, new ConsentGrant(notice.Version, Purposes.CheckIn | Purposes.StepUp | Purposes.EmergencyIdentification, ConsentMethod.KioskSignature, ConsentGiver.Patient));
        await Get<FaceEnrolment>().EnrolAsync(Clerk, person, [Capture("img1.jpg"), Capture("img2.jpg")]);
        await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img4.jpg"), claimed: person);
        var stepUp = Get<StepUpVerification>();
        await stepUp.VerifyAsync(Clerk, person, Capture("img16.jpg"), new SecondFactor("badge", true));
        await stepUp.ClearLockAsync(Officer, person);
        await stepUp.VerifyAsync(Clerk, person, Capture("img5.jpg"), new SecondFactor("badge", true));
        await stepUp.ConfirmRightPatientAsync(Clerk, person, "ORD-7", Capture("img11.jpg"));
        var emergency = await Get<EmergencyIdentification>().IdentifyAsync(Clerk, Capture("img6.jpg"), BreakGlassReason.Unresponsive);
        var reviews = Get<ReviewWorklist>();
        await reviews.ShowAsync(Reviewer, emergency.ReviewId);
        await reviews.DecideAsync(Reviewer, emergency.ReviewId, ReviewDecision.Confirm);
        await reviews.AppealAsync(Clerk, emergency.ReviewId, overturned: false);
        await Get<ConsentRegistry>().WithdrawAsync(Clerk, person, ConsentEnd.Withdrawn);
        var expiring = await ConsentedPatientAsync(expires: Clock.Now.AddDays(1));
        await Get<FaceEnrolment>().EnrolAsync(Clerk, expiring, [Capture("img13.jpg")]);
        Clock.Now = Clock.Now.AddDays(2);
        await Get<RetentionRun>().RunAsync(Officer);
        await Get<RetentionRun>().ListAsync(Officer);

        var records = await AuditAsync();
        var model = Get<Visage.Workflows.Recognition.CaptureInspector>().ModelVersion;
        var kek = KeyVersions.Kek(await Store.OpenAsync());
        var p = person.ToString();
        var expected = new (string Action, AuditActor Actor, string Purpose, string? Subject, string Outcome, string? Version)[]
        {
            ("subject.add", Clerk, "operations", p, "success", kek),
            ("subject.details.read", Clerk, "operations", p, "success", kek),
            ("subject.find-by-mrn", Clerk, "operations", p, "success", null),
            ("consent.grant", Clerk, "operations", p, "success", null),
            ("enrol", Clerk, "operations", p, "success", model),
            ("checkin", Clerk, "check-in", p, "success", model),
            ("verify", Clerk, "step-up", p, "failure", model),
            ("verify.unlock", Officer, "step-up", p, "success", null),
            ("verify", Clerk, "step-up", p, "success", model),
            ("right-patient", Clerk, "step-up", p, "success", model),
            ("break-glass", Clerk, "emergency-identification", null, "success", model),
            ("review.show", Reviewer, "emergency-identification", p, "success", model),
            ("review.decide", Reviewer, "emergency-identification", p, "success", model),
            ("review.appeal", Clerk, "emergency-identification", p, "success", model),
            ("consent.withdraw", Clerk, "operations", p, "success", kek),
            ("consent.expire", Officer, "operations", expiring.ToString(), "success", kek),
            ("retention.run", Officer, "operations", null, "success", kek),
            ("retention.runs.read", Officer, "security-review", null, "success", kek),
        };

        foreach (var (action, actor, purpose, subject, outcome, version) in expected)
        {
            var outcomes = records.Where(r => r.Action == action && r.Outcome == outcome && (subject is null || r.Subject == subject)).ToList();
            Assert.True(outcomes.Count > 0, $"{action}: no {outcome} record about {subject ?? "no subject"}");
            var record = outcomes[0];
            Assert.Equal((actor.Id, actor.Role, purpose, version), (record.Actor, record.ActorRole, record.Purpose, record.ModelVersion));
            Assert.False(string.IsNullOrEmpty(record.Reason), $"{action}: no reason");
            // Every outcome of an operation that ran has its started record under the same correlation id, written first.
            if (action is not ("subject.find-by-mrn" or "verify.unlock"))
            {
                Assert.Contains(records, r => r.CorrelationId == record.CorrelationId && r.Outcome == AuditedOperation.Started && r.Sequence < record.Sequence);
            }
        }

        Assert.All(records, r => Assert.DoesNotContain("0048213", r.Reason ?? string.Empty, StringComparison.Ordinal));
        Assert.All(records, r => Assert.DoesNotContain("Exampleperson", r.Reason ?? string.Empty, StringComparison.Ordinal));
        Assert.All(records, r => Assert.DoesNotContain("ORD-7", r.Reason ?? string.Empty, StringComparison.Ordinal));
    }
}

public sealed class SqliteAuditTrailTests(FaceEngineFixture engine) : AuditTrailTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });
}

public sealed class PostgresAuditTrailTests(PostgresCluster cluster, FaceEngineFixture engine) : AuditTrailTests(engine), IClassFixture<PostgresCluster>, IClassFixture<FaceEngineFixture>
{
    protected override async Task<StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
