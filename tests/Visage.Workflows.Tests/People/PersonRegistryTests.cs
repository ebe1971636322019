using System.Text;
using Visage.Gallery;
using Visage.Storage;
using Visage.Storage.Tests;
using Visage.Workflows.Consent;
using Visage.Workflows.People;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Tests.People;

/// <summary>People with opaque ids: details sealed, MRN searchable only through its keyed hash, the link kept after withdrawal. SQLite and PostgreSQL.</summary>
public abstract class PersonRegistryTests(FaceEngineFixture engine) : WorkflowTests(engine)
{
    private static readonly PersonDetails Details = new("Maria Exampleperson", new DateOnly(1961, 3, 14), "MRN-0048213", "EHR-77-1203");

    [Fact]
    public async Task Add_SealsTheDetails_AndFindsThePersonByMrn_WithoutTheMrnInClear()
    {
        var added = await Get<PersonRegistry>().AddAsync(Clerk, PersonKind.Patient, Details);

        var found = await Get<PersonRegistry>().FindByMrnAsync(Clerk, "mrn-0048213 ");
        var missing = await Get<PersonRegistry>().FindByMrnAsync(Clerk, "MRN-0048214");

        Assert.Equal(added.Id, found!.Id);
        Assert.Null(missing);
        Assert.Equal(Details, await Get<PersonRegistry>().ReadDetailsAsync(Clerk, added.Id));
        foreach (var text in new[] { "MRN-0048213", "Exampleperson", "1961-03-14", "EHR-77-1203" })
        {
            Assert.Equal(0, await RowsHoldingAsync(text));
        }

        var records = await AuditAsync();
        Assert.All(records, r => Assert.DoesNotContain("0048213", r.Reason ?? string.Empty, StringComparison.Ordinal));
        Assert.Equal(added.Id.ToString(), records.Single(r => r.Action == "subject.find-by-mrn" && r.Reason == "found").Subject);
    }

    [Fact]
    public async Task Add_ASecondPersonWithTheSameMrn_IsRefused()
    {
        await Get<PersonRegistry>().AddAsync(Clerk, PersonKind.Patient, Details);

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PersonRegistry>().AddAsync(Clerk, PersonKind.Patient, Details with { Name = "Someone Else" }));

        Assert.Equal(RefusalCodes.MrnTaken, refused.Code);
        Assert.DoesNotContain("MRN-0048213", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mrn with spaces")]
    [InlineData("")]
    public async Task Add_BadDetails_AreRefusedUnechoed_AndNothingIsStored(string mrn)
    {
        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() => Get<PersonRegistry>().AddAsync(Clerk, PersonKind.Patient, Details with { Mrn = mrn }));

        Assert.Equal(RefusalCodes.DetailsRefused, refused.Code);
        Assert.DoesNotContain("spaces", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM people;"));
    }

    [Fact]
    public async Task Withdrawal_ShredsTheFaceData_ButKeepsThePatientLinkAndDetails()
    {
        var patient = (await Get<PersonRegistry>().AddAsync(Clerk, PersonKind.Patient, Details)).Id;
        await ApproveAsync(Purposes.CheckIn);
        var notice = await Get<ConsentNotices>().AddAsync(Officer, "Visage compares your face with the photos you agree to store. You may withdraw at any time.", "en");
        await Get<ConsentRegistry>().GrantAsync(Clerk, patient, new ConsentGrant(notice.Version, Purposes.CheckIn, ConsentMethod.WitnessedVerbal, ConsentGiver.LegalRepresentative, new byte[32]));
        await Get<Visage.Workflows.Enrolment.FaceEnrolment>().EnrolAsync(Clerk, patient, [Capture("img1.jpg")]);

        await ReopenAsync();
        var (_, certificate) = await Get<ConsentRegistry>().WithdrawAsync(Clerk, patient, ConsentEnd.Restricted);

        Assert.NotNull(certificate);
        Assert.Contains("\"request\"", certificate.Body, StringComparison.Ordinal);
        Assert.Equal(0, await TemplateCountAsync());
        Assert.Equal(Details, await Get<PersonRegistry>().ReadDetailsAsync(Clerk, patient));
        var history = await Get<ConsentRegistry>().HistoryAsync(patient);
        Assert.Equal((ConsentGiver.LegalRepresentative, ConsentEnd.Restricted), (history[0].GivenBy, history[0].EndReason));
    }

    [Fact]
    public async Task Grant_ANarrowerConsentThanTheTemplatesServe_IsRefused_AndTheOldOneStays()
    {
        var patient = await EnrolledPatientAsync("img1.jpg");
        var notice = (await Get<ConsentNotices>().ListAsync())[0];

        var refused = await Assert.ThrowsAsync<WorkflowRefusedException>(() =>
            Get<ConsentRegistry>().GrantAsync(Clerk, patient, new ConsentGrant(notice.Version, Purposes.CheckIn, ConsentMethod.KioskSignature, ConsentGiver.Patient)));

        Assert.Equal(RefusalCodes.ConsentNarrowsTemplates, refused.Code);
        Assert.Equal(Purposes.Recognition, (await Get<ConsentRegistry>().InForceAsync(patient))!.Purposes);
    }

    [Fact]
    public async Task Grant_AWiderConsent_WidensTheTemplatesHeld_SoEmergencyIdentificationFindsThePerson()
    {
        await ApproveAsync(Purposes.EmergencyIdentification);
        var patient = await ConsentedPatientAsync(Purposes.CheckIn);
        await Get<Visage.Workflows.Enrolment.FaceEnrolment>().EnrolAsync(Clerk, patient, [Capture("img1.jpg")]);
        var identify = Get<Visage.Workflows.Emergency.EmergencyIdentification>();
        Assert.Empty((await identify.IdentifyAsync(Clerk, Capture("img2.jpg"), Visage.Workflows.Emergency.BreakGlassReason.Unresponsive)).Candidates);
        var notice = (await Get<ConsentNotices>().ListAsync())[0];

        await Get<ConsentRegistry>().GrantAsync(Clerk, patient, new ConsentGrant(notice.Version, Purposes.CheckIn | Purposes.EmergencyIdentification, ConsentMethod.KioskSignature, ConsentGiver.Patient));

        Assert.All(await (await Store.OpenAsync()).Store.GetTemplatesAsync(patient), t => Assert.Equal(Purposes.CheckIn | Purposes.EmergencyIdentification, t.Purposes));
        Assert.Equal(patient, Assert.Single((await identify.IdentifyAsync(Clerk, Capture("img2.jpg"), Visage.Workflows.Emergency.BreakGlassReason.Unresponsive)).Candidates).SubjectId);
        Assert.EndsWith("1 templates widened", (await RecordsAsync("consent.grant")).Last().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grant_OnAnUnknownNoticeOrForAnUnapprovedPurpose_IsRefused()
    {
        var person = await Get<PersonRegistry>().AddAsync(Clerk, PersonKind.Patient, new PersonDetails());
        await ApproveAsync(Purposes.CheckIn);

        var unknownNotice = await Assert.ThrowsAsync<WorkflowRefusedException>(() =>
            Get<ConsentRegistry>().GrantAsync(Clerk, person.Id, new ConsentGrant(42, Purposes.CheckIn, ConsentMethod.ScannedPaper, ConsentGiver.Patient)));
        var unapproved = await Assert.ThrowsAsync<WorkflowRefusedException>(() =>
            Get<ConsentRegistry>().GrantAsync(Clerk, person.Id, new ConsentGrant(42, Purposes.CheckIn | Purposes.Research, ConsentMethod.ScannedPaper, ConsentGiver.Patient)));

        Assert.Equal(RefusalCodes.UnknownNotice, unknownNotice.Code);
        Assert.Equal(RefusalCodes.PurposeNotApproved, unapproved.Code);
        Assert.Empty(await Get<ConsentRegistry>().HistoryAsync(person.Id));
        Assert.Equal([RefusalCodes.UnknownNotice, RefusalCodes.PurposeNotApproved], (await RecordsAsync("consent.grant")).Select(r => r.Reason));
    }

    private async Task<long> RowsHoldingAsync(string text)
    {
        // Every column that could hold it in clear: the people row (the MRN hash compared with the plain bytes) and the sealed evidence.
        var bytes = Encoding.UTF8.GetBytes(text);
        var opened = await Store.OpenAsync();
        long found = 0;
        await using var connection = await opened.Database.OpenAsync();
        foreach (var sql in new[] { "SELECT mrn_hash FROM people WHERE mrn_hash IS NOT NULL;", "SELECT ciphertext FROM evidence;" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                found += ((byte[])reader.GetValue(0)).AsSpan().IndexOf(bytes) >= 0 ? 1 : 0;
            }
        }

        return found;
    }

    private async Task<long> CountAsync(string sql)
    {
        var opened = await Store.OpenAsync();
        await using var connection = await opened.Database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class SqlitePersonRegistryTests(FaceEngineFixture engine) : PersonRegistryTests(engine), IClassFixture<FaceEngineFixture>
{
    protected override Task<StorageOptions> CreateStoreOptionsAsync() => Task.FromResult(new StorageOptions { DataDirectory = Data });
}

public sealed class PostgresPersonRegistryTests(PostgresCluster cluster, FaceEngineFixture engine) : PersonRegistryTests(engine), IClassFixture<PostgresCluster>, IClassFixture<FaceEngineFixture>
{
    protected override async Task<StorageOptions> CreateStoreOptionsAsync() =>
        new() { Provider = "postgres", Postgres = await cluster.CreateDatabaseAsync(), DataDirectory = Data };
}
