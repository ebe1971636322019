using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Server.Http;
using Visage.Storage;
using Visage.Workflows.Recognition;

namespace Visage.Server.Oversight;

/// <summary>One audit record as stored; the hashes in lower-case hex, so a reader can follow the links.</summary>
public sealed record AuditRecordView(
    long Sequence,
    DateTimeOffset Time,
    string Actor,
    string ActorRole,
    string Action,
    string Purpose,
    string? Subject,
    string Outcome,
    string? Reason,
    string? ModelVersion,
    string CorrelationId,
    string? ClientAddressHash,
    string PreviousHash,
    string Hash)
{
    internal static AuditRecordView Of(AuditRecord r) => new(
        r.Sequence,
        r.TimeUtc,
        r.Actor,
        r.ActorRole,
        r.Action,
        r.Purpose,
        r.Subject,
        r.Outcome,
        r.Reason,
        r.ModelVersion,
        r.CorrelationId,
        r.ClientAddressHash is null ? null : Convert.ToHexStringLower(r.ClientAddressHash),
        Convert.ToHexStringLower(r.PreviousHash),
        Convert.ToHexStringLower(r.Hash));
}

/// <summary>One page of records in sequence order; pass <see cref="NextAfter"/> back as <c>after</c> for the next (null: no more).</summary>
public sealed record AuditRecordPage(IReadOnlyList<AuditRecordView> Records, long? NextAfter);

/// <summary>
/// What verifying the chain found (<c>visage audit verify</c>): every record's hash and link and every checkpoint's
/// signature, against the anchor file too. <see cref="Break"/> is the first break's kind (an <c>AuditBreak</c> in
/// kebab case, or <c>anchor-file-malformed</c> / <c>anchor-file-emptied</c>), null when intact.
/// </summary>
public sealed record AuditVerificationView(
    bool Intact,
    long RecordsChecked,
    long CheckpointsChecked,
    long StoredCheckpoints,
    bool AnchorFilePresent,
    int AnchorCheckpoints,
    long LastSequence,
    long? LastCheckpointedSequence,
    long UncheckpointedRecords,
    long? FirstBrokenSequence,
    string? Break,
    string? Detail,
    double Seconds);

/// <summary>
/// The audit log under <c>/api/v1</c>: records by subject, actor, action or time; verification of the chain; the
/// accounting of disclosures for one subject (JSON or a FHIR R4 AuditEvent bundle). Every read is itself recorded.
/// </summary>
internal static class AuditApi
{
    public const string RecordsAction = "audit.records.read";
    public const string VerifyAction = "audit.verify";
    public const string DisclosuresAction = "audit.disclosures";
    public const string AnchorFileMalformed = "anchor-file-malformed";
    public const string AnchorFileEmptied = "anchor-file-emptied";
    public const string FhirMediaType = "application/fhir+json";
    private const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Audit");
        api.MapGet("/audit/records", RecordsAsync).Declare(Permissions.AuditRead, RecordsAction);
        api.MapPost("/audit/verification", VerifyAsync).Declare(Permissions.AuditRead, VerifyAction);
        // The FHIR bundle is the same accounting in another format, so it needs the same permission (not AuditRead).
        api.MapGet("/subjects/{id:guid}/disclosures", DisclosuresAsync).Declare(Permissions.AuditDisclosures, DisclosuresAction);
        return routes;
    }

    /// <summary>
    /// Records matching one of <paramref name="subject"/>, <paramref name="actor"/> or <paramref name="action"/>, within
    /// <paramref name="from"/> ≤ time &lt; <paramref name="to"/> when given, after sequence <paramref name="after"/>, at
    /// most <paramref name="limit"/> (1 to 1000, default 100). Subject ids are opaque, so the query string is fine.
    /// </summary>
    internal static async Task<Ok<AuditRecordPage>> RecordsAsync(
        string? subject,
        string? actor,
        string? action,
        string? from,
        string? to,
        string? after,
        string? limit,
        ProtectedStoreLifetime store,
        AuditLog log,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var filters = new[] { ("subject", subject), ("actor", actor), ("action", action) }.Where(f => !string.IsNullOrEmpty(f.Item2)).ToList();
        if (filters.Count > 1)
        {
            throw await AuditedBadInput.RefuseAsync(log, context, RecordsAction, purpose: Purposes.SecurityReview, message: "Filter by one of subject, actor or action (with from/to if wanted), not several.");
        }

        var start = await TimeAsync(from, DateTimeOffset.UnixEpoch, "from", log, context);
        var end = await TimeAsync(to, DateTimeOffset.MaxValue, "to", log, context);
        var afterSequence = await NumberAsync(after, 0, 0, long.MaxValue, "after", log, context);
        var pageSize = (int)await NumberAsync(limit, DefaultLimit, 1, AuditQueries.MaxPageSize, "limit", log, context);
        if (start >= end)
        {
            throw await AuditedBadInput.RefuseAsync(log, context, RecordsAction, purpose: Purposes.SecurityReview, message: "from must be before to.");
        }

        var opened = await store.OpenAsync(cancellationToken);
        var filter = filters.Count == 1 ? filters[0].Item1 : (from ?? to) is null ? "none" : "time";
        await using var operation = await AuditedOperation.BeginAsync(
            log, context.Actor(), RecordsAction, Purposes.SecurityReview, filter == "subject" ? subject : null, reason: "filter " + filter, cancellationToken: cancellationToken);
        var page = await QueryAsync(new AuditQueries(opened.Database), filters.Count == 1 ? filters[0] : null, start, end, afterSequence, pageSize, cancellationToken);
        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"filter {filter}, {page.Records.Count} records"));
        return TypedResults.Ok(new AuditRecordPage(page.Records.Select(AuditRecordView.Of).ToList(), page.NextAfter));
    }

    /// <summary>Checks the whole chain as <c>visage audit verify</c> does, with the key provider's signing key and the store's anchor file.</summary>
    internal static async Task<Ok<AuditVerificationView>> VerifyAsync(
        ProtectedStoreLifetime store,
        AuditLog log,
        IOptions<AuditChainOptions> audit,
        IOptions<StorageOptions> storage,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        var anchorPath = audit.Value.AnchorFile is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : CheckpointAnchorLocation.For(opened.Database, storage.Value.ResolveDataDirectory());
        await using var operation = await AuditedOperation.BeginAsync(log, context.Actor(), VerifyAction, Purposes.SecurityReview, cancellationToken: cancellationToken);
        var timer = Stopwatch.StartNew();
        var present = File.Exists(anchorPath);
        IReadOnlyList<AuditCheckpoint> anchors;
        try
        {
            // Read before the database: every checkpoint in the file is then already in the database.
            anchors = present ? CheckpointAnchorFile.Read(anchorPath) : [];
        }
        catch (CheckpointAnchorFileException)
        {
            // Only Visage writes the file: a malformed one was edited or is not one, which is itself a finding.
            await operation.SucceededAsync("broken: " + AnchorFileMalformed);
            return TypedResults.Ok(new AuditVerificationView(false, 0, 0, 0, true, 0, 0, null, 0, null, AnchorFileMalformed, "the anchor file is not a well-formed anchor file; nothing was checked against it", timer.Elapsed.TotalSeconds));
        }

        var result = await AuditVerifier.VerifyAsync(opened.Database, opened.Keys.ExportSigningPublicKey(), anchors, audit.Value.CheckpointEveryRecords, cancellationToken);
        // The file gets every checkpoint (and is seeded when created), so an empty one beside a database holding some was emptied or replaced.
        var emptied = present && anchors.Count == 0 && result.StoredCheckpoints > 0;
        var view = new AuditVerificationView(
            result.IsIntact && !emptied,
            result.RecordsChecked,
            result.CheckpointsChecked,
            result.StoredCheckpoints,
            present,
            anchors.Count,
            result.LastSequence,
            result.LastCheckpointedSequence,
            Math.Max(0, result.UncheckpointedRecords),
            result.FirstBrokenSequence,
            emptied ? AnchorFileEmptied : result.Break is { } kind ? JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString()) : null,
            emptied ? "the anchor file holds no checkpoint, but the database holds some" : result.Detail,
            timer.Elapsed.TotalSeconds);
        await operation.SucceededAsync(view.Intact
            ? string.Create(CultureInfo.InvariantCulture, $"intact; {view.RecordsChecked} records")
            : string.Create(CultureInfo.InvariantCulture, $"broken: {view.Break} at {view.FirstBrokenSequence?.ToString(CultureInfo.InvariantCulture) ?? "-"}"));
        return TypedResults.Ok(view);
    }

    /// <summary>Every record about the subject (the export recorded first), as JSON (<c>format=json</c>, the default) or a FHIR R4 AuditEvent bundle (<c>format=fhir</c>).</summary>
    internal static async Task<Results<Ok<List<AuditRecordView>>, ContentHttpResult>> DisclosuresAsync(
        Guid id,
        string? format,
        AuditedDisclosures disclosures,
        AuditLog log,
        TimeProvider time,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var chosen = format ?? "json";
        if (chosen is not ("json" or "fhir"))
        {
            throw await AuditedBadInput.RefuseAsync(log, context, DisclosuresAction, purpose: Purposes.SecurityReview, message: "format is json or fhir.");
        }

        var records = await disclosures.ForSubjectAsync(context.Actor(), id, chosen, cancellationToken);
        return chosen == "fhir"
            ? TypedResults.Text(new AuditEventBundleExporter(timeProvider: time).ToJson(records), FhirMediaType)
            : TypedResults.Ok(records.Select(AuditRecordView.Of).ToList());
    }

    /// <summary>
    /// One filter through <see cref="AuditQueries"/>, narrowed to the time range. Record times never decrease along the
    /// sequence, so the range is the sequences from the first record at or after <paramref name="from"/> up to the
    /// first at or after <paramref name="to"/>.
    /// </summary>
    private static async Task<AuditPage> QueryAsync(AuditQueries queries, (string Name, string? Value)? filter, DateTimeOffset from, DateTimeOffset to, long after, int limit, CancellationToken cancellationToken)
    {
        if (filter is not { } f)
        {
            return await queries.ByTimeRangeAsync(from, to, after, limit, cancellationToken);
        }

        if (from > DateTimeOffset.UnixEpoch)
        {
            var first = await queries.ByTimeRangeAsync(from, to, 0, 1, cancellationToken);
            if (first.Records.Count == 0)
            {
                return new AuditPage([], null);
            }

            after = Math.Max(after, first.Records[0].Sequence - 1);
        }

        var page = f.Name switch
        {
            "subject" => await queries.BySubjectAsync(f.Value!, after, limit, cancellationToken),
            "actor" => await queries.ByActorAsync(f.Value!, after, limit, cancellationToken),
            _ => await queries.ByActionAsync(f.Value!, after, limit, cancellationToken),
        };
        var inRange = page.Records.TakeWhile(r => r.TimeUtc < to).ToList();
        return inRange.Count == page.Records.Count ? page : new AuditPage(inRange, null);
    }

    private static async Task<DateTimeOffset> TimeAsync(string? text, DateTimeOffset absent, string name, AuditLog log, HttpContext context)
    {
        if (text is null)
        {
            return absent;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : throw await AuditedBadInput.RefuseAsync(log, context, RecordsAction, purpose: Purposes.SecurityReview, message: $"{name} is an ISO 8601 time, e.g. 2026-04-01T00:00:00Z.");
    }

    private static async Task<long> NumberAsync(string? text, long absent, long min, long max, string name, AuditLog log, HttpContext context)
    {
        if (text is null)
        {
            return absent;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max
            ? parsed
            : throw await AuditedBadInput.RefuseAsync(log, context, RecordsAction, purpose: Purposes.SecurityReview, message: string.Create(CultureInfo.InvariantCulture, $"{name} is a whole number from {min} to {max}."));
    }
}
