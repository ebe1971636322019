using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenCvSharp;
using Visage.Audit;
using Visage.Benchmarks.Gallery;
using Visage.Gallery;
using Visage.Protection;
using Visage.Storage;
using Visage.Workflows.Consent;
using Visage.Workflows.Enrolment;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;
using static Visage.Benchmarks.RunnerSupport;

namespace Visage.Benchmarks.Workflows;

/// <summary>The people a check-in benchmark recognises: two real people, 18 consented decoys, and the kiosk captures of the two.</summary>
internal sealed record SeededPeople(Guid PersonA, Guid PersonB, Guid[] Candidates, (byte[] Bytes, Guid Person)[] Probes);

/// <summary>
/// The store the check-in and server benchmarks share: N synthetic templates sealed in bulk, then, through the real
/// services, two real people enrolled from the shared faces and 18 registered, consented decoys (a 1:N list of 20).
/// </summary>
internal static class BenchGallery
{
    private const int Decoys = 18;
    private static readonly string[] PersonAImages = ["img1.jpg", "img2.jpg", "img4.jpg", "img5.jpg", "img6.jpg", "img7.jpg", "img10.jpg", "img11.jpg"];
    private static readonly string[] PersonBImages = ["img13.jpg", "img14.jpg", "img15.jpg"];

    /// <summary>
    /// Approvals, notice, people, consents (check-in, emergency identification and step-up) and enrolments; the held-out
    /// photos of both people scaled as a kiosk camera would be the probes.
    /// </summary>
    public static async Task<SeededPeople> SeedPeopleAsync(IServiceProvider provider, string faces, int seed)
    {
        var actor = new AuditActor("bench-1", "privacy-officer");
        const Purposes Consented = Purposes.CheckIn | Purposes.EmergencyIdentification | Purposes.StepUp;
        foreach (var purpose in new[] { Purposes.CheckIn, Purposes.EmergencyIdentification, Purposes.StepUp })
        {
            await provider.GetRequiredService<PurposeRegistry>().ApproveAsync(actor, purpose, "Benchmark store for check-in latency; synthetic and public test faces only.");
        }

        var notice = await provider.GetRequiredService<ConsentNotices>().AddAsync(actor, "Benchmark consent notice: your face is used to check you in.", "en");
        var people = provider.GetRequiredService<PersonRegistry>();
        var consents = provider.GetRequiredService<ConsentRegistry>();
        var enrolment = provider.GetRequiredService<FaceEnrolment>();
        var store = provider.GetRequiredService<ProtectedStoreLifetime>();
        var modelVersion = provider.GetRequiredService<CaptureInspector>().ModelVersion;
        async Task<Guid> AddConsentedAsync()
        {
            var person = await people.AddAsync(actor, PersonKind.Patient, new PersonDetails());
            await consents.GrantAsync(actor, person.Id, new ConsentGrant(notice.Version, Consented, ConsentMethod.KioskSignature, ConsentGiver.Patient));
            return person.Id;
        }

        var a = await AddConsentedAsync();
        var b = await AddConsentedAsync();
        await EnrolAsync(enrolment, actor, a, faces, PersonAImages[..2]);
        await EnrolAsync(enrolment, actor, b, faces, PersonBImages[..1]);
        var candidates = new List<Guid> { a, b };
        var random = new Random(seed);
        for (var i = 0; i < Decoys; i++)
        {
            var decoy = await AddConsentedAsync();
            await store.EnrolAsync(decoy, RandomUnit(random), Consented, modelVersion);
            candidates.Add(decoy);
        }

        var probes = PersonAImages[2..].Select(n => (KioskJpeg(Path.Combine(faces, n)), a))
            .Concat(PersonBImages[1..].Select(n => (KioskJpeg(Path.Combine(faces, n)), b)))
            .ToArray();
        return new SeededPeople(a, b, [.. candidates], probes);
    }

    /// <summary>
    /// N synthetic templates (<see cref="SyntheticGallery"/>: one subject in five with a second template) stored the way the
    /// vault stores them: the probe transform applied, sealed under the subject's own data key, the key wrapped by the
    /// store's key provider; rows inserted in large transactions. No people rows: the gallery filter looks only at the
    /// templates' purposes, and consent is read only for returned matches.
    /// </summary>
    public static async Task FillAsync(ProtectedStore store, int size, string modelVersion)
    {
        var entries = SyntheticGallery.Create(size, seed: 13).Entries;
        var subjects = entries.GroupBy(e => e.SubjectId).Select(g => g.ToArray()).ToArray();
        var vault = store.Vault;
        const int Chunk = 10_000;
        for (var start = 0; start < subjects.Length; start += Chunk)
        {
            var count = Math.Min(Chunk, subjects.Length - start);
            var sealedRows = new (SubjectKeyRecord Subject, TemplateRecord[] Templates)[count];
            Parallel.For(0, count, i =>
            {
                var group = subjects[start + i];
                var subject = group[0].SubjectId;
                var keyId = Guid.NewGuid();
                var dataKey = SubjectDataCipher.NewDataKey();
                var now = DateTimeOffset.UtcNow;
                var templates = group.Select(e =>
                {
                    var id = Guid.NewGuid();
                    return new TemplateRecord(id, subject, e.Purposes, vault.TransformVersion, modelVersion, now, TemplateVault.Seal(dataKey, id, subject, vault.TransformVersion, vault.Protect(e.Vector.Span)));
                }).ToArray();
                sealedRows[i] = (new SubjectKeyRecord(subject, keyId, store.Keys.Wrap(dataKey, KeyBindings.SubjectKey(subject, keyId)), now), templates);
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
            });

            await InsertSealedAsync(store.Database, sealedRows.Select(r => (r.Item1, (IReadOnlyList<TemplateRecord>)r.Item2)));
            Console.Error.Write($"\rsealed and stored {start + count:N0} / {subjects.Length:N0} subjects");
        }

        Console.Error.WriteLine();
    }

    /// <summary>A kiosk camera's frame: the photo scaled to at most 640 px on its long side, JPEG quality 90.</summary>
    public static byte[] KioskJpeg(string path)
    {
        using var source = Cv2.ImRead(path);
        var scale = Math.Min(1.0, 640.0 / Math.Max(source.Width, source.Height));
        using var scaled = new Mat();
        Cv2.Resize(source, scaled, new Size((int)Math.Round(source.Width * scale), (int)Math.Round(source.Height * scale)), 0, 0, InterpolationFlags.Area);
        Cv2.ImEncode(".jpg", scaled, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        return jpeg;
    }

    /// <summary>The one-minute load average: this 2-core machine is shared, and the figures move with it.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static async Task EnrolAsync(FaceEnrolment enrolment, AuditActor actor, Guid person, string faces, string[] images)
    {
        var captures = images.Select(n => new FaceCapture(File.ReadAllBytes(Path.Combine(faces, n)))).ToList();
        var result = await enrolment.EnrolAsync(actor, person, captures);
        if (result.Outcome != EnrolmentOutcome.Enrolled)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"enrolment of {string.Join(", ", images)} ended {result.Outcome}"));
        }
    }
}
