using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Visage.Audit;
using Visage.Face;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.Consent;
using Visage.Workflows.Enrolment;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;

namespace Visage.Server.Tests.Recognition;

/// <summary>
/// One real server for every recognition test (starting one loads the face models), with check-in, step-up and
/// emergency identification approved and one consent notice published. Each test makes its own people; duplicate
/// detection stays unapproved, so tests may enrol the same face for different people without holding each other up.
/// Real faces: img1, img2, img4, img5, img11 are one person, img13 and img14 another, img16 and img17 a third.
/// </summary>
public sealed class RecognitionServer : IAsyncLifetime
{
    public static readonly AuditActor Clerk = new("clerk-arrange", "front-desk");
    private static readonly AuditActor Officer = new("po-arrange", "privacy-officer");
    private static readonly string Faces = Path.Combine(SharedDataLocator.Find(), "faces", "deepface");
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("visage-server-recognition-");
    private int notice;

    internal ServerHarness Server { get; private set; } = null!;

    public T Get<T>()
        where T : notnull => Server.Services.GetRequiredService<T>();

    public static byte[] Photo(string name) => File.ReadAllBytes(Path.Combine(Faces, name));

    public async Task InitializeAsync()
    {
        // Every test signs its own staff in from one address; the sign-in limit is the identity tests' subject.
        Server = await ServerHarness.StartAsync(Path.Combine(root.FullName, "data"), settings: new Dictionary<string, string?> { ["Server:SignInsPerMinute"] = "1000" });
        foreach (var purpose in new[] { Purposes.CheckIn, Purposes.StepUp, Purposes.EmergencyIdentification })
        {
            await Get<PurposeRegistry>().ApproveAsync(Officer, purpose, "DPIA-2026-04 approved by the privacy committee");
        }

        notice = (await Get<ConsentNotices>().AddAsync(Officer, "Visage compares your face with the photos you agree to store, only for the purposes you tick. You may say no and withdraw at any time.", "en")).Version;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        root.Delete(recursive: true);
    }

    /// <summary>A registered patient with a consent in force for check-in, step-up and emergency identification.</summary>
    public async Task<Guid> ConsentedPatientAsync()
    {
        var person = await Get<PersonRegistry>().AddAsync(Clerk, PersonKind.Patient, new PersonDetails());
        await Get<ConsentRegistry>().GrantAsync(Clerk, person.Id, new ConsentGrant(notice, Purposes.CheckIn | Purposes.StepUp | Purposes.EmergencyIdentification, ConsentMethod.KioskSignature, ConsentGiver.Patient));
        return person.Id;
    }

    /// <summary>A consented patient enrolled (through the service) from <paramref name="photos"/>.</summary>
    public async Task<Guid> EnrolledPatientAsync(params string[] photos)
    {
        var id = await ConsentedPatientAsync();
        await Get<FaceEnrolment>().EnrolAsync(Clerk, id, photos.Select(p => new FaceCapture(Photo(p))).ToList());
        return id;
    }

    public async Task<IReadOnlyList<TemplateRecord>> TemplatesAsync(Guid person) =>
        await (await Get<ProtectedStoreLifetime>().OpenAsync()).Store.GetTemplatesAsync(person);

    /// <summary>The audit records naming <paramref name="subject"/>, in order.</summary>
    public async Task<IReadOnlyList<AuditRecord>> AuditAsync(Guid subject) =>
        (await new AuditQueries((await Get<ProtectedStoreLifetime>().OpenAsync()).Database).BySubjectAsync(subject.ToString(), 0, AuditQueries.MaxPageSize)).Records;

    /// <summary>The audit records of <paramref name="action"/> by <paramref name="actor"/>, in order.</summary>
    public async Task<List<AuditRecord>> AuditAsync(string actor, string action) =>
        [.. (await new AuditQueries((await Get<ProtectedStoreLifetime>().OpenAsync()).Database).ByActorAsync(actor, 0, AuditQueries.MaxPageSize)).Records.Where(r => r.Action == action)];

    /// <summary>A multipart body: each (name, photo file) as a JPEG file part, each (name, value) as a text field.</summary>
    public static MultipartFormDataContent Form(IEnumerable<(string Name, byte[] Bytes)> files, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, name, name + ".jpg");
        }

        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    /// <summary>The problem's reason code (and that it is a problem at all).</summary>
    public static async Task<string?> ReasonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
    }

    /// <summary>As the server writes JSON: camelCase, enums as kebab-case names.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}

[CollectionDefinition(Name)]
public sealed class RecognitionServerCollection : ICollectionFixture<RecognitionServer>
{
    public const string Name = "recognition server";
}
