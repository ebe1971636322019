using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Visage.Audit;
using Visage.Face;
using Visage.Gallery;
using Visage.Workflows.Consent;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Tests;

/// <summary>
/// The workflows as a host composes them (<c>AddWorkflows</c> over a real store, audit log with its alerts and the real
/// face engine), on SQLite or PostgreSQL, with real faces from the shared data: img1, img2, img4, img5, img11 are one
/// person, img13 and img14 another, img16 and img17 a third.
/// </summary>
public abstract class WorkflowTests(FaceEngineFixture engine) : StoreBackedTests
{
    protected static readonly AuditActor Clerk = new("clerk-1", "front-desk");
    protected static readonly AuditActor Officer = new("po-1", "privacy-officer");
    protected static readonly AuditActor Reviewer = new("rev-1", "reviewer");
    private static readonly string Faces = Path.Combine(SharedDataLocator.Find(), "faces", "deepface");

    protected ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    protected ServiceProvider Services { get; private set; } = null!;

    /// <summary>The PHI screen every host registers (AddDeidentification): the services' own reasons must pass it.</summary>
    protected override IReadOnlyList<IAuditTextScreen> Screens { get; } = [new Visage.Deid.Text.PhiAuditTextScreen()];

    /// <summary>The gallery holds the engine's model's templates only, as in every host that recognises.</summary>
    protected override Visage.Storage.GalleryModelScope GalleryScope => new(() => engine.Faces.EmbedderModel.ToString());

    /// <summary>Configuration the host would read (thresholds, retention), for a test to override.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    protected T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    protected static byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(Faces, name));

    protected static FaceCapture Capture(string name) => new(Photo(name));

    protected override void CreateServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build());
        services.AddSingleton(Store);
        services.AddSingleton(Log);
        services.AddSingleton(Alerts);
        services.AddSingleton(engine.Faces);
        services.AddSingleton<TimeProvider>(Clock);
        foreach (var screen in Screens)
        {
            services.AddSingleton(screen);
        }

        services.AddWorkflows();
        Services = services.BuildServiceProvider();
    }

    protected async Task ApproveAsync(params Purposes[] purposes)
    {
        foreach (var purpose in purposes)
        {
            await Get<PurposeRegistry>().ApproveAsync(Officer, purpose, "DPIA-2026-04 approved by the privacy committee");
        }
    }

    /// <summary>
    /// A patient with a consent in force for <paramref name="purposes"/> (all recognition purposes when none); the purposes
    /// are approved first where they are not yet, as no one may consent to an unapproved purpose.
    /// </summary>
    protected async Task<Guid> ConsentedPatientAsync(Purposes purposes = Purposes.Recognition, DateTimeOffset? expires = null)
    {
        var approved = (await Get<PurposeRegistry>().ListAsync()).Where(p => p.Approved).Select(p => p.Purpose).ToHashSet();
        await ApproveAsync([.. PurposeCodes.Recognition.Where(p => purposes.HasFlag(p) && !approved.Contains(p))]);
        var notice = await Get<ConsentNotices>().AddAsync(Officer, "Visage compares your face with the photos you agree to store, only for the purposes you tick. You may say no and withdraw at any time.", "en");
        var person = await Get<PersonRegistry>().AddAsync(Clerk, PersonKind.Patient, new PersonDetails());
        await Get<ConsentRegistry>().GrantAsync(Clerk, person.Id, new ConsentGrant(notice.Version, purposes, ConsentMethod.KioskSignature, ConsentGiver.Patient, Expires: expires));
        return person.Id;
    }

    protected async Task<Guid> EnrolledPatientAsync(params string[] photos)
    {
        var id = await ConsentedPatientAsync();
        await Get<Visage.Workflows.Enrolment.FaceEnrolment>().EnrolAsync(Clerk, id, photos.Select(Capture).ToList());
        return id;
    }

    /// <summary>The audit records, in order, whose action is <paramref name="action"/>.</summary>
    protected async Task<List<AuditRecord>> RecordsAsync(string action) => [.. (await AuditAsync()).Where(r => r.Action == action)];

    /// <summary>Alerts are appended by the chain after the record that raised them commits: wait (up to 10 s) for them.</summary>
    protected async Task<List<AuditRecord>> AlertsAsync(string action, int expected = 1)
    {
        for (var waited = 0; ; waited += 50)
        {
            var records = await RecordsAsync(action);
            if (records.Count >= expected || waited > 10_000)
            {
                return records;
            }

            await Task.Delay(50);
        }
    }

    protected async Task<long> TemplateCountAsync() => await (await Store.OpenAsync()).Store.CountAsync("templates");

}

/// <summary>The real engine with the default models (fetched by scripts/setup), shared by a test class.</summary>
public class FaceEngineFixture : IDisposable
{
    public FaceEngineFixture()
        : this(new FaceEngineOptions())
    {
    }

    protected FaceEngineFixture(FaceEngineOptions options) => Faces = new FaceEngine(options, ModelStore.OpenDefault(null));

    public FaceEngine Faces { get; }

    public void Dispose()
    {
        Faces.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A clock a test moves (consent expiry, retention).</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
