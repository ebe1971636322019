using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.Consent;
using Visage.Workflows.People;
using Visage.Workflows.Review;

namespace Visage.Workflows.Retention;

/// <summary>What one run deleted; <see cref="Body"/> is the signed JSON certificate of the run, <see cref="Signature"/> its ECDSA P-256 signature.</summary>
public sealed record RetentionReport(Guid RunId, DateTimeOffset Issued, int ExpiredConsents, int UnconsentedSubjects, int ProbeImages, int InactiveSubjects, IReadOnlyList<Guid> Certificates, string Body, byte[] Signature)
{
    /// <summary>True when the run certificate's signature verifies under the key provider's public signing key (DER SubjectPublicKeyInfo).</summary>
    public static bool Verify(string body, byte[] signature, byte[] signingPublicKey) =>
        DeletionCertificate.Verify(new DeletionCertificateRecord(Guid.Empty, Guid.Empty, default, body, signature), signingPublicKey);
}

/// <summary>A stored run certificate and whether its signature verifies.</summary>
public sealed record StoredRetentionRun(Guid RunId, DateTimeOffset Issued, string Body, bool Valid);

/// <summary>
/// Minimum-necessary retention, enforced: ends consents past their expiry (shredding their biometric data), shreds any
/// biometric data left without a consent in force, shreds review
/// probe images past their retention, and shreds the templates of people not recognised for
/// <see cref="RetentionOptions.InactiveTemplateMonths"/>. Each deletion has its own signed certificate; the run has a
/// signed certificate listing them, stored and audited.
/// </summary>
public sealed class RetentionRun(
    ProtectedStoreLifetime store,
    ConsentRegistry consents,
    PersonRegistry people,
    ReviewWorklist reviews,
    AuditLog log,
    TimeProvider time,
    IOptions<RetentionOptions> options)
{
    public const string Action = "retention.run";

    public async Task<RetentionReport> RunAsync(AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var opened = await store.OpenAsync(cancellationToken);
        var runId = Guid.NewGuid();
        await using var operation = await AuditedOperation.BeginAsync(log, actor, Action, Purposes.Operations, null, KeyVersions.Kek(opened), $"run {runId:N}", cancellationToken);
        var certificates = new List<Guid>();

        var expired = await consents.EndExpiredAsync(actor, cancellationToken);
        certificates.AddRange(expired.Select(c => c.Id));

        var probes = 0;
        foreach (var review in await reviews.ProbesDueAsync(cancellationToken))
        {
            var certificate = await store.DeleteSubjectAsync(review, actor.Id, DeletionReason.Retention, cancellationToken);
            await reviews.ProbeDeletedAsync(review, cancellationToken);
            if (certificate is not null)
            {
                probes++;
                certificates.Add(certificate.Id);
                await operation.StepAsync("probe", AuditedOperation.Success, $"review {review:N}; certificate {certificate.Id:N}");
            }
        }

        // Biometric data nothing may use (its consent ended but the shredding did not complete) goes before anything else.
        var unconsented = 0;
        foreach (var person in await people.UnconsentedWithBiometricsAsync(time.GetUtcNow(), cancellationToken))
        {
            if (await store.DeleteSubjectAsync(person, actor.Id, DeletionReason.Retention, cancellationToken) is { } certificate)
            {
                unconsented++;
                certificates.Add(certificate.Id);
                await operation.StepAsync("unconsented", AuditedOperation.Success, $"certificate {certificate.Id:N}", person.ToString());
            }
        }

        var inactive = 0;
        var cutoff = time.GetUtcNow().AddMonths(-options.Value.InactiveTemplateMonths);
        foreach (var person in await people.InactiveSinceAsync(cutoff, cancellationToken))
        {
            if (await store.DeleteSubjectAsync(person, actor.Id, DeletionReason.Retention, cancellationToken) is { } certificate)
            {
                inactive++;
                certificates.Add(certificate.Id);
                await operation.StepAsync("inactive", AuditedOperation.Success, $"certificate {certificate.Id:N}", person.ToString());
            }
        }

        var issued = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var body = JsonSerializer.Serialize(
            new RunCertificate("visage-retention-run/1", runId, issued, actor.Id, expired.Count, unconsented, probes, inactive, options.Value.InactiveTemplateMonths, certificates),
            RetentionJson.Default.RunCertificate);
        var signature = opened.Keys.Sign(Encoding.UTF8.GetBytes(body));
        await using (var connection = await opened.Database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO retention_runs (id, run_ms, body, signature) VALUES (@id, @ms, @body, @signature);";
            command.AddParameter("@id", runId);
            command.AddInt64("@ms", issued.ToUnixTimeMilliseconds());
            command.AddText("@body", body);
            command.AddBytes("@signature", signature);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"run {runId:N}; {expired.Count} expired consents, {unconsented} without consent, {probes} probe images, {inactive} inactive subjects"));
        return new RetentionReport(runId, issued, expired.Count, unconsented, probes, inactive, certificates, body, signature);
    }

    /// <summary>Every stored run, oldest first, each with whether its signature verifies under the key provider's signing key (reading them is audited).</summary>
    public async Task<IReadOnlyList<StoredRetentionRun>> ListAsync(AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var opened = await store.OpenAsync(cancellationToken);
        await using var operation = await AuditedOperation.BeginAsync(log, actor, "retention.runs.read", Purposes.SecurityReview, null, KeyVersions.Kek(opened), cancellationToken: cancellationToken);
        var publicKey = opened.Keys.ExportSigningPublicKey();
        var runs = new List<StoredRetentionRun>();
        await using (var connection = await opened.Database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, run_ms, body, signature FROM retention_runs ORDER BY run_ms, id;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var body = reader.GetString(2);
                var signature = (byte[])reader.GetValue(3);
                runs.Add(new StoredRetentionRun(reader.GetGuid(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), body, RetentionReport.Verify(body, signature, publicKey)));
            }
        }

        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"{runs.Count} runs shown, {runs.Count(r => !r.Valid)} with an invalid signature"));
        return runs;
    }

    internal sealed record RunCertificate(
        string Format,
        Guid RunId,
        DateTimeOffset Issued,
        string Actor,
        int ExpiredConsents,
        int UnconsentedSubjects,
        int ProbeImages,
        int InactiveSubjects,
        int InactiveTemplateMonths,
        IReadOnlyList<Guid> DeletionCertificates);
}

[JsonSerializable(typeof(RetentionRun.RunCertificate))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class RetentionJson : JsonSerializerContext;
