using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Server.Http;
using Visage.Server.People;
using Visage.Workflows.Consent;
using Visage.Workflows.People;
using Visage.Workflows.Recognition;

namespace Visage.Server.Consent;

/// <summary>
/// A person's consent: the notice version they were given, the purposes as codes (<c>check-in</c>), how
/// (<c>kiosk-signature</c>, <c>witnessed-verbal</c>, <c>scanned-paper</c>), by whom (<c>patient</c> by default, or
/// <c>legal-representative</c>), the SHA-256 of the evidence kept elsewhere (64 hex digits) and an expiry, both optional.
/// </summary>
public sealed record GrantConsentRequest(int? NoticeVersion, IReadOnlyList<string>? Purposes, string? Method, string? GivenBy, string? EvidenceSha256, DateTimeOffset? Expires);

/// <summary>Why the consent ends: <c>withdrawn</c> or <c>restricted</c> (the biometric data is deleted either way).</summary>
public sealed record WithdrawConsentRequest(string? Reason);

/// <summary>One recorded consent and, once it ended, when, by whom and why.</summary>
public sealed record ConsentView(
    Guid Id,
    Guid SubjectId,
    int NoticeVersion,
    IReadOnlyList<string> Purposes,
    string Method,
    string GivenBy,
    string? EvidenceSha256,
    DateTimeOffset Granted,
    DateTimeOffset? Expires,
    string RecordedBy,
    DateTimeOffset? Ended,
    string? EndedBy,
    string? EndReason);

/// <summary>The ended consent and the deletion certificate of the biometric data it covered (null: none was held).</summary>
public sealed record ConsentWithdrawal(ConsentView Consent, Guid? DeletionCertificateId);

/// <summary>A person's consents, oldest first, and the one in force now (null: none).</summary>
public sealed record SubjectConsents(Guid SubjectId, ConsentView? InForce, IReadOnlyList<ConsentView> History);

/// <summary>A notice text to publish as the next version, in a BCP 47 language (<c>en</c> by default).</summary>
public sealed record PublishNoticeRequest(string? Text, string? Language);

/// <summary>One notice version with its exact text and that text's SHA-256.</summary>
public sealed record NoticeView(int Version, string Language, string Sha256, string Text, string CreatedBy, DateTimeOffset Created)
{
    internal static NoticeView Of(ConsentNotice notice) => new(notice.Version, notice.Language, notice.Sha256Hex, notice.Text, notice.CreatedBy, notice.CreatedUtc);
}

/// <summary>One notice version without its text (the list).</summary>
public sealed record NoticeVersionView(int Version, string Language, string Sha256, string CreatedBy, DateTimeOffset Created);

/// <summary>
/// Consent under <c>/api/v1</c>: the versioned notice (reading it, and publishing a new version, a privacy-office act),
/// a person's grants, withdrawal or restriction (which crypto-shreds their biometric data), their history and the
/// consent in force; with the purposes (<see cref="PurposesApi"/>) a consent may name.
/// </summary>
internal static class ConsentApi
{
    private const string DefaultLanguage = "en";
    private const string GrantAction = "consent.grant";
    private const string WithdrawAction = "consent.withdraw";
    private const string ReadAction = "consent.read";

    public static IEndpointRouteBuilder MapConsentEndpoints(this IEndpointRouteBuilder routes)
    {
        var notices = routes.MapGroup("/api/v1/consent/notice").WithTags("Consent");
        // Notices are the public words patients read: no patient data, so reading them is not audited.
        notices.MapGet(string.Empty, CurrentNoticeAsync).Declare(Permissions.ConsentRead, EndpointDeclarations.NotAudited);
        notices.MapGet("/versions", ListNoticesAsync).Declare(Permissions.ConsentRead, EndpointDeclarations.NotAudited);
        notices.MapGet("/versions/{version}", NoticeAsync).Declare(Permissions.ConsentRead, EndpointDeclarations.NotAudited);
        // What patients are asked to agree to is the privacy office's text, not the desk's: the privacy officer's permission.
        notices.MapPost(string.Empty, PublishNoticeAsync).Declare(Permissions.PurposesDecide, "consent.notice.add");

        var consents = routes.MapGroup("/api/v1/subjects/{id}/consents").WithTags("Consent");
        consents.MapGet(string.Empty, HistoryAsync).Declare(Permissions.ConsentRead, ReadAction);
        consents.MapPost(string.Empty, GrantAsync).Declare(Permissions.ConsentRecord, GrantAction);
        consents.MapPost("/withdrawal", WithdrawAsync).Declare(Permissions.ConsentRecord, WithdrawAction);
        return routes.MapPurposeEndpoints();
    }

    /// <summary>The newest notice in <paramref name="language"/> (a BCP 47 tag, <c>en</c> by default): what a person is given to read.</summary>
    internal static async Task<Ok<NoticeView>> CurrentNoticeAsync(string? language, ConsentNotices notices, CancellationToken cancellationToken) =>
        TypedResults.Ok(NoticeView.Of(await notices.LatestAsync(language ?? DefaultLanguage, cancellationToken)
            ?? throw new WorkflowRefusedException(RefusalCodes.UnknownNotice, RefusalKind.NotFound, "No consent notice has been published in this language.")));

    internal static async Task<Ok<List<NoticeVersionView>>> ListNoticesAsync(ConsentNotices notices, CancellationToken cancellationToken) =>
        TypedResults.Ok((await notices.ListAsync(cancellationToken)).Select(n => new NoticeVersionView(n.Version, n.Language, n.Sha256Hex, n.CreatedBy, n.CreatedUtc)).ToList());

    internal static async Task<Ok<NoticeView>> NoticeAsync(int version, ConsentNotices notices, CancellationToken cancellationToken) =>
        TypedResults.Ok(NoticeView.Of(await notices.GetAsync(version, cancellationToken)
            ?? throw new WorkflowRefusedException(RefusalCodes.UnknownNotice, RefusalKind.NotFound, "No consent notice has this version.")));

    /// <summary>201 with the new version; 200 with the version that already holds exactly this text (a notice is never edited).</summary>
    internal static async Task<Results<Created<NoticeView>, Ok<NoticeView>>> PublishNoticeAsync(PublishNoticeRequest request, ConsentNotices notices, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var asked = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        ConsentNotice notice;
        try
        {
            notice = await notices.AddAsync(context.Actor(), request.Text ?? string.Empty, request.Language ?? DefaultLanguage, cancellationToken);
        }
        catch (ConsentNoticeException refused)
        {
            // Its message names the rule (size, language tag), never the text.
            throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, refused.Message);
        }

        // The registry hands back an existing version for a text it already holds; a new one is stamped no earlier than now.
        return notice.CreatedUtc < asked
            ? TypedResults.Ok(NoticeView.Of(notice))
            : TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/api/v1/consent/notice/versions/{notice.Version}"), NoticeView.Of(notice));
    }

    internal static async Task<Created<ConsentView>> GrantAsync(string id, GrantConsentRequest request, ConsentRegistry consents, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var subject = await AuditedBadInput.SubjectIdAsync(id, log, context, GrantAction);
        var grant = await ReadGrantAsync(request, log, context, subject.ToString());
        // The registry checks the rest (person, notice version, approved purposes, expiry) and audits its refusals.
        var record = await consents.GrantAsync(context.Actor(), subject, grant, cancellationToken);
        return TypedResults.Created(string.Create(CultureInfo.InvariantCulture, $"/api/v1/subjects/{subject}/consents"), View(record));
    }

    internal static async Task<Ok<ConsentWithdrawal>> WithdrawAsync(string id, WithdrawConsentRequest request, ConsentRegistry consents, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var subject = await AuditedBadInput.SubjectIdAsync(id, log, context, WithdrawAction);
        if (!ConsentCodes.TryParse(request.Reason, out ConsentEnd reason) || reason is not (ConsentEnd.Withdrawn or ConsentEnd.Restricted))
        {
            throw await AuditedBadInput.RefuseAsync(log, context, WithdrawAction, "The reason is withdrawn or restricted (expiry and supersession are recorded by Visage).", subject.ToString());
        }

        var (consent, certificate) = await consents.WithdrawAsync(context.Actor(), subject, reason, cancellationToken);
        return TypedResults.Ok(new ConsentWithdrawal(View(consent), certificate?.Id));
    }

    /// <summary>Which purposes a person agreed to, and when, is about that person: the read is audited.</summary>
    internal static async Task<Ok<SubjectConsents>> HistoryAsync(string id, PersonRegistry people, ConsentRegistry consents, AuditLog log, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        var subject = await AuditedBadInput.SubjectIdAsync(id, log, context, ReadAction);
        if (await people.GetAsync(subject, cancellationToken) is null)
        {
            await AuditedOperation.RecordRefusedAsync(log, context.Actor(), ReadAction, Purposes.Operations, RefusalCodes.UnknownSubject, subject.ToString());
            throw new WorkflowRefusedException(RefusalCodes.UnknownSubject, RefusalKind.NotFound, "No person has this id.");
        }

        var history = await consents.HistoryAsync(subject, cancellationToken);
        var now = time.GetUtcNow();
        var inForce = history.LastOrDefault(c => c.InForceAt(now));
        await AuditedOperation.RecordDoneAsync(log, context.Actor(), ReadAction, Purposes.Operations, string.Create(CultureInfo.InvariantCulture, $"{history.Count} consents shown"), subject: subject.ToString());
        return TypedResults.Ok(new SubjectConsents(subject, inForce is null ? null : View(inForce), history.Select(View).ToList()));
    }

    /// <summary>The request's codes as the registry's types; what does not parse is an audited 400 that never repeats it.</summary>
    private static async Task<ConsentGrant> ReadGrantAsync(GrantConsentRequest request, AuditLog log, HttpContext context, string subject)
    {
        if (request.NoticeVersion is not { } version)
        {
            throw await AuditedBadInput.RefuseAsync(log, context, GrantAction, "The notice version the person was given is required (GET /api/v1/consent/notice).", subject);
        }

        var purposes = Purposes.None;
        foreach (var code in request.Purposes ?? [])
        {
            if (!PurposeCodes.TryParse(code, out var purpose) || !PurposeCodes.IsOneRecognitionPurpose(purpose))
            {
                throw await AuditedBadInput.RefuseAsync(log, context, GrantAction, PurposesApi.RecognitionCodes, subject);
            }

            purposes |= purpose;
        }

        if (!ConsentCodes.TryParse(request.Method, out ConsentMethod method))
        {
            throw await AuditedBadInput.RefuseAsync(log, context, GrantAction, $"The method is required, one of: {string.Join(", ", ConsentCodes.Methods)}.", subject);
        }

        var giver = ConsentGiver.Patient;
        if (request.GivenBy is not null && !ConsentCodes.TryParse(request.GivenBy, out giver))
        {
            throw await AuditedBadInput.RefuseAsync(log, context, GrantAction, $"Given by is one of: {string.Join(", ", ConsentCodes.Givers)}.", subject);
        }

        byte[]? evidence = null;
        if (request.EvidenceSha256 is { } hex)
        {
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            {
                throw await AuditedBadInput.RefuseAsync(log, context, GrantAction, "The evidence hash is a SHA-256: 64 hex digits (what was given is not shown).", subject);
            }

            evidence = Convert.FromHexString(hex);
        }

        return new ConsentGrant(version, purposes, method, giver, evidence, request.Expires);
    }

    private static ConsentView View(ConsentRecord record) => new(
        record.Id,
        record.PersonId,
        record.NoticeVersion,
        PurposeCodes.Recognition.Where(p => record.Purposes.HasFlag(p)).Select(p => p.ToCode()).ToList(),
        record.Method.ToCode(),
        record.GivenBy.ToCode(),
        record.EvidenceSha256 is null ? null : Convert.ToHexStringLower(record.EvidenceSha256),
        record.Granted,
        record.Expires,
        record.RecordedBy,
        record.Ended,
        record.EndedBy,
        record.EndReason?.ToCode());
}
