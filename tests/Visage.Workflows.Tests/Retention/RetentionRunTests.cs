using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Retention;

namespace Visage.Workflows.Tests.Retention;

/// <summary>Retention of templates: people not recognised for the configured months, and data left without a consent in force. SQLite and PostgreSQL.</summary>
public abstract class RetentionRunTests(FaceEngineFixture engine) : WorkflowTests(engine)
{
    [Fact]
    public async Task Run_ShredsTheTemplatesOfPeopleNotSeenForTheRetentionPeriod_AndKeepsThoseSeen()
    {
        await ApproveAsync(Purposes.CheckIn);
        var away = await EnrolledPatientAsync("img1.jpg");
        var regular = await EnrolledPatientAsync("img13.jpg");
        Clock.Now = Clock.Now.AddMonths(20);
        Assert.Equal(CheckInOutcome.Accepted, (await Get<PatientCheckIn>().CheckInAsync(Clerk, Capture("img14.jpg"), claimed: regular)).Outcome);
        Clock.Now = Clock.Now.AddMonths(5);

        var run = await Get<RetentionRun>().RunAsync(Officer);

        Assert.Equal(1, run.InactiveSubjects);
        var opened = await Store.OpenAsync();
        Assert.Empty(await opened.Store.GetTemplatesAsync(away));
        Assert.Single(await opened.Store.GetTemplatesAsync(regular));
        Assert.Contains("\"retention\"", Assert.Single(await opened.Store.GetDeletionCertificatesAsync(away)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_KeepsTheTemplatesOfSomeoneRegisteredLongAgoWhoEnrolledToday()
    {
        var patient = await ConsentedPatientAsync();
        Clock.Now = Clock.Now.AddMonths(25);
        await Get<Visage.Workflows.Enrolment.FaceEnrolment>().EnrolAsync(Clerk, patient, [Capture("img1.jpg")]);

        var run = await Get<RetentionRun>().RunAsync(Officer);

        Assert.Equal(0, run.InactiveSubjects);
        Assert.Equal(1, await TemplateCountAsync());
    }

    [Fact]
    public async Task Run_ShredsBiometricsLeftWithoutAConsentInForce()
    {
        var patient = await EnrolledPatientAsync("img1.jpg");
        // As a crash between ending the consent and shredding would leave it.
        var opened = await Store.OpenAsync();
        await using (var connection = await opened.Database.OpenAsync())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE consents SET ended_ms = 1, ended_by = 'clerk-1', end_reason = 'withdrawn';";
            await command.ExecuteNonQueryAsync();
        }

        var run = await Get<RetentionRun>().RunAsync(Officer);

        Assert.Equal(1, run.UnconsentedSubjects);
        Assert.Equal(0, await TemplateCountAsync());
        Assert.Contains(await RecordsAsync(RetentionRun.Action + ".unconsented"), r => r.Subject == patient.ToString());
    }
}

public sealed class SqliteRetentionRunTests(FaceEngineFixture engine) : RetentionRunTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });
}

public sealed class PostgresRetentionRunTests(PostgresCluster cluster, FaceEngineFixture engine) : RetentionRunTests(engine), IClassFixture<PostgresCluster>, IClassFixture<FaceEngineFixture>
{
    protected override async Task<StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
