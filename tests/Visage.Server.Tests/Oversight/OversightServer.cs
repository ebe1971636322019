using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Visage.Audit;
using Visage.Face;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Identity;
using Visage.Storage;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Consent;
using Visage.Workflows.Enrolment;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;

namespace Visage.Server.Tests.Oversight;

/// <summary>
/// One real server shared by the oversight tests (starting one and loading the models is the slow part), with two
/// enrolled patients from the shared faces: <see cref="PatientA"/> (img1) and <see cref="PatientB"/> (img13, another
/// person). Check-in accepts only at 0.95 and lists every expected person, so a check-in of img4 (A again) is queued
/// for review with A proposed and B as the other candidate. Each test opens its own items and accounts.
/// </summary>
public sealed class OversightServer : IAsyncLifetime
{
    internal static readonly AuditActor Clerk = new("clerk-1", Roles.FrontDesk);
    internal static readonly AuditActor Officer = new("po-1", Roles.PrivacyOfficer);
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string Faces = Path.Combine(SharedDataLocator.Find(), "faces", "deepface");
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-oversight-");

    internal ServerHarness Server { get; private set; } = null!;

    internal Guid PatientA { get; private set; }

    internal Guid PatientB { get; private set; }

    internal static byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(Faces, name));

    public async Task InitializeAsync()
    {
        Server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"), settings: new Dictionary<string, string?>
        {
            ["Recognition:CheckIn:Accept"] = "0.95",
            ["Recognition:CheckIn:Review"] = "-1",
            ["Retention:RunInBackground"] = "false",
            // Each test signs in accounts of its own (so the audit log's records by actor are its own), all from loopback.
            ["Server:SignInsPerMinute"] = "1000",
        });
        foreach (var purpose in PurposeCodes.Recognition)
        {
            await Get<PurposeRegistry>().ApproveAsync(Officer, purpose, "DPIA-2026-04 approved by the privacy committee");
        }

        var notice = await Get<ConsentNotices>().AddAsync(Officer, "Visage compares your face with the photos you agree to store, only for the purposes you tick. You may say no and withdraw at any time.", "en");
        PatientA = await EnrolledAsync(notice.Version, "img1.jpg");
        PatientB = await EnrolledAsync(notice.Version, "img13.jpg");
    }

    /// <summary>A check-in of img4 expecting A and B: an open review item proposing A, B the other candidate.</summary>
    internal async Task<Guid> BorderlineCheckInAsync()
    {
        var result = await Get<PatientCheckIn>().CheckInAsync(Clerk, new FaceCapture(Photo("img4.jpg")), candidates: [PatientA, PatientB]);
        return result.ReviewId ?? throw new InvalidOperationException($"The check-in was expected to need review; it was {result.Outcome}.");
    }

    /// <summary>A signed-in staff client and its user id (what the audit log records as the actor).</summary>
    internal async Task<(HttpClient Client, string UserId)> StaffAsync(params string[] roles)
    {
        var client = await Server.StaffClientAsync(roles);
        var me = await client.GetFromJsonAsync<CallerView>(new Uri("/api/v1/session", UriKind.Relative));
        return (client, me!.Id);
    }

    /// <summary>Every audit record of <paramref name="actor"/>, read straight from the database (not through the API under test).</summary>
    internal async Task<IReadOnlyList<AuditRecord>> RecordsOfAsync(string actor)
    {
        var opened = await Get<ProtectedStoreLifetime>().OpenAsync();
        return (await new AuditQueries(opened.Database).ByActorAsync(actor, 0, AuditQueries.MaxPageSize)).Records;
    }

    internal T Get<T>()
        where T : notnull => Server.Services.GetRequiredService<T>();

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        root.Delete(recursive: true);
    }

    private async Task<Guid> EnrolledAsync(int notice, string photo)
    {
        var person = await Get<PersonRegistry>().AddAsync(Clerk, PersonKind.Patient, new PersonDetails());
        await Get<ConsentRegistry>().GrantAsync(Clerk, person.Id, new ConsentGrant(notice, Purposes.Recognition, ConsentMethod.KioskSignature, ConsentGiver.Patient));
        await Get<FaceEnrolment>().EnrolAsync(Clerk, person.Id, [new FaceCapture(Photo(photo))]);
        return person.Id;
    }
}

[CollectionDefinition(Name)]
public sealed class OversightCollection : ICollectionFixture<OversightServer>
{
    public const string Name = "oversight server";
}
