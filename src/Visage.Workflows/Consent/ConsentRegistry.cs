using System.Data.Common;
using System.Globalization;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Workflows.Consent;

/// <summary>
/// Consent per person and purpose: granted on a named notice version (method, giver, evidence hash, expiry), replaced by
/// a newer grant, ended by withdrawal, restriction or expiry. Ending it crypto-shreds the person's templates and
/// biometric images with a signed certificate and drops them from the gallery; the person (the patient link) stays.
/// Every recognition asks <see cref="EnsureCoversAsync"/> at the moment it decides.
/// </summary>
public sealed class ConsentRegistry(ProtectedStoreLifetime store, AuditLog log, PersonRegistry people, ConsentNotices notices, PurposeRegistry purposes, ReviewWorklist reviews, TimeProvider time)
{
    private const string Columns = "id, person_id, notice_version, purposes, method, given_by, evidence_sha256, granted_ms, expires_ms, recorded_by, ended_ms, ended_by, end_reason";

    /// <summary>Records a consent; one in force before it is superseded in the same transaction.</summary>
    public async Task<ConsentRecord> GrantAsync(AuditActor actor, Guid personId, ConsentGrant grant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(grant);
        const string action = "consent.grant";
        var subject = personId.ToString();
        var now = Now();
        var opened = await store.OpenAsync(cancellationToken);
        var enrolled = Purposes.None;
        try
        {
            var person = await people.RequireAsync(personId, cancellationToken);
            enrolled = (await opened.Store.GetTemplatesAsync(personId, cancellationToken)).Aggregate(Purposes.None, (all, t) => all | t.Purposes);
            if (person.Kind != PersonKind.Patient && grant.GivenBy == ConsentGiver.LegalRepresentative)
            {
                throw new WorkflowRefusedException(RefusalCodes.NotAPatient, RefusalKind.BadInput, "A legal representative consents for a patient, not for staff.");
            }

            if (!PurposeCodes.IsTemplateSet(grant.Purposes))
            {
                throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, $"A consent names one or more recognition purposes: {string.Join(", ", PurposeCodes.Recognition.Select(p => p.ToCode()))}.");
            }

            if (!Enum.IsDefined(grant.Method) || !Enum.IsDefined(grant.GivenBy))
            {
                throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, $"The method is one of {string.Join(", ", ConsentCodes.Methods)}; the giver one of {string.Join(", ", ConsentCodes.Givers)}.");
            }

            // Function creep is blocked here too: no one is asked to consent to a purpose the privacy office has not approved.
            foreach (var purpose in PurposeCodes.Recognition.Where(p => grant.Purposes.HasFlag(p)))
            {
                await purposes.RequireApprovedAsync(purpose, cancellationToken);
            }

            if (grant.EvidenceSha256 is { Length: not 32 })
            {
                throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, "The evidence hash must be a SHA-256 (32 bytes, 64 hex digits).");
            }

            if (grant.Expires is { } expires && expires <= now)
            {
                throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, "The expiry must be in the future.");
            }

            if (await notices.GetAsync(grant.NoticeVersion, cancellationToken) is null)
            {
                throw new WorkflowRefusedException(RefusalCodes.UnknownNotice, RefusalKind.NotFound, "No consent notice has this version (visage consent notice list).");
            }

            // Templates carry the purposes they were enrolled for; a narrower consent would leave them serving more.
            if ((enrolled & ~grant.Purposes) != Purposes.None)
            {
                throw new WorkflowRefusedException(
                    RefusalCodes.ConsentNarrowsTemplates,
                    RefusalKind.NotPermitted,
                    "The new consent covers fewer purposes than the person's templates serve: withdraw (which deletes them) and enrol again under the new consent.");
            }
        }
        catch (WorkflowRefusedException refusal)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, refusal.Code, subject);
            throw;
        }

        var record = new ConsentRecord(Guid.NewGuid(), personId, grant.NoticeVersion, grant.Purposes, grant.Method, grant.GivenBy, grant.EvidenceSha256, now, grant.Expires, actor.Id, null, null, null);
        await using var operation = await AuditedOperation.BeginAsync(log, actor, action, Purposes.Operations, subject, reason: Describe(record), cancellationToken: cancellationToken);
        await using (var connection = await opened.Database.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await EndOpenAsync(transaction, personId, now, actor.Id, ConsentEnd.Superseded, cancellationToken);
            await InsertAsync(transaction, record, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // A wider consent widens the templates already held (a narrower one was refused above), so they serve exactly it.
        var widened = enrolled != Purposes.None && enrolled != grant.Purposes
            ? await store.SetTemplatePurposesAsync(personId, grant.Purposes, cancellationToken)
            : 0;
        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"consent {record.Id:N}{(widened > 0 ? $"; {widened} templates widened" : string.Empty)}"));
        return record;
    }

    /// <summary>
    /// Ends the consent in force (withdrawal or restriction) and crypto-shreds the person's biometric data; returns the
    /// ended consent and the deletion certificate (null when nothing biometric was held).
    /// </summary>
    public async Task<(ConsentRecord Consent, DeletionCertificateRecord? Certificate)> WithdrawAsync(AuditActor actor, Guid personId, ConsentEnd reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (reason is not (ConsentEnd.Withdrawn or ConsentEnd.Restricted))
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "A person withdraws or restricts; expiry and supersession are recorded by Visage.");
        }

        const string action = "consent.withdraw";
        var subject = personId.ToString();
        ConsentRecord current;
        try
        {
            await people.RequireAsync(personId, cancellationToken);
            current = (await HistoryAsync(personId, cancellationToken)).LastOrDefault(c => c.Ended is null)
                ?? throw new WorkflowRefusedException(RefusalCodes.NoConsent, RefusalKind.NotFound, "The person has no consent to withdraw.");
        }
        catch (WorkflowRefusedException refusal)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, refusal.Code, subject);
            throw;
        }

        return await EndAndShredAsync(actor, action, current, reason, cancellationToken);
    }

    /// <summary>Every consent of the person, oldest first.</summary>
    public async Task<IReadOnlyList<ConsentRecord>> HistoryAsync(Guid personId, CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM consents WHERE person_id = @person ORDER BY seq;";
        command.AddParameter("@person", personId);
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>The consent in force now, or null.</summary>
    public async Task<ConsentRecord?> InForceAsync(Guid personId, CancellationToken cancellationToken = default)
    {
        var now = Now();
        return (await HistoryAsync(personId, cancellationToken)).LastOrDefault(c => c.InForceAt(now));
    }

    /// <summary>
    /// The consent in force, or a typed refusal (for the caller to audit) saying why there is none: never given, the last
    /// one expired, or withdrawn.
    /// </summary>
    public async Task<ConsentRecord> RequireInForceAsync(Guid personId, CancellationToken cancellationToken = default)
    {
        var now = Now();
        var history = await HistoryAsync(personId, cancellationToken);
        if (history.LastOrDefault(c => c.InForceAt(now)) is { } inForce)
        {
            return inForce;
        }

        throw history.Count == 0
            ? new WorkflowRefusedException(RefusalCodes.NoConsent, RefusalKind.NotPermitted, "The person has not consented to face recognition; offer the alternative (staff ID check).")
            : history[^1].Ended is null || history[^1].EndReason == ConsentEnd.Expired
                ? new WorkflowRefusedException(RefusalCodes.ConsentExpired, RefusalKind.NotPermitted, "The person's consent has expired; offer the alternative (staff ID check) and a renewed consent.")
                : new WorkflowRefusedException(RefusalCodes.ConsentWithdrawn, RefusalKind.NotPermitted, "The person has withdrawn consent; offer the alternative (staff ID check).");
    }

    /// <summary>
    /// Refuses (typed, for the caller to audit) unless a consent in force covers <paramref name="purpose"/>: see
    /// <see cref="RequireInForceAsync"/>, or it does not name the purpose.
    /// </summary>
    public async Task<ConsentRecord> EnsureCoversAsync(Guid personId, Purposes purpose, CancellationToken cancellationToken = default)
    {
        var inForce = await RequireInForceAsync(personId, cancellationToken);
        return inForce.Purposes.HasFlag(purpose)
            ? inForce
            : throw new WorkflowRefusedException(RefusalCodes.ConsentDoesNotCover, RefusalKind.NotPermitted, $"The person's consent does not cover {purpose.ToCode()}; offer the alternative (staff ID check).");
    }

    /// <summary>Filters 1:N candidates to those whose consent in force covers the purpose now (a gallery entry may outlive its consent until retention runs).</summary>
    internal async Task<bool> CoversAsync(Guid personId, Purposes purpose, CancellationToken cancellationToken) =>
        (await InForceAsync(personId, cancellationToken))?.Purposes.HasFlag(purpose) == true;

    /// <summary>
    /// Inside an enrolment's transaction: refuses (rolling it back) unless <paramref name="consent"/> is still the one in
    /// force. On PostgreSQL the row is locked until the transaction ends, so a withdrawal waits for the enrolment and then
    /// shreds what it stored; SQLite's single writer gives the same order.
    /// </summary>
    internal async Task RequireStillInForceAsync(DbTransaction transaction, ConsentRecord consent, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        var opened = await store.OpenAsync(cancellationToken);
        command.CommandText = "SELECT seq FROM consents WHERE id = @id AND ended_ms IS NULL AND (expires_ms IS NULL OR expires_ms > @now)"
            + (opened.Database.Provider == StorageProvider.Postgres ? " FOR UPDATE;" : ";");
        command.AddParameter("@id", consent.Id);
        command.AddInt64("@now", Now().ToUnixTimeMilliseconds());
        if (await command.ExecuteScalarAsync(cancellationToken) is null or DBNull)
        {
            throw new WorkflowRefusedException(RefusalCodes.ConsentWithdrawn, RefusalKind.NotPermitted, "The consent ended while the images were being processed; nothing was enrolled.");
        }
    }


    /// <summary>Ends every consent past its expiry and shreds its person's biometric data (retention), returning the certificates.</summary>
    internal async Task<IReadOnlyList<DeletionCertificateRecord>> EndExpiredAsync(AuditActor actor, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        var expired = new List<ConsentRecord>();
        await using (var connection = await opened.Database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {Columns} FROM consents WHERE ended_ms IS NULL AND expires_ms IS NOT NULL AND expires_ms <= @now ORDER BY seq;";
            command.AddInt64("@now", Now().ToUnixTimeMilliseconds());
            expired.AddRange(await ReadAsync(command, cancellationToken));
        }

        var certificates = new List<DeletionCertificateRecord>();
        foreach (var consent in expired)
        {
            var (_, certificate) = await EndAndShredAsync(actor, "consent.expire", consent, ConsentEnd.Expired, cancellationToken);
            if (certificate is not null)
            {
                certificates.Add(certificate);
            }
        }

        return certificates;
    }

    private async Task<(ConsentRecord, DeletionCertificateRecord?)> EndAndShredAsync(AuditActor actor, string action, ConsentRecord current, ConsentEnd reason, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        var deletion = reason switch
        {
            ConsentEnd.Withdrawn => DeletionReason.Withdrawn,
            ConsentEnd.Expired => DeletionReason.Expired,
            _ => DeletionReason.Request,
        };
        await using var operation = await AuditedOperation.BeginAsync(
            log, actor, action, Purposes.Operations, current.PersonId.ToString(), KeyVersions.Kek(opened), $"{reason.ToCode()}; consent {current.Id:N}", cancellationToken);
        var now = Now();
        // The consent ends first: should the shredding then fail, nothing recognises the person any more (every decision
        // asks for a consent in force) and the next retention run deletes what is left.
        await using (var connection = await opened.Database.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await EndOpenAsync(transaction, current.PersonId, now, actor.Id, reason, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var certificate = await store.DeleteSubjectAsync(current.PersonId, actor.Id, deletion, cancellationToken);
        // Probe images of the person waiting in the review queue are biometric images too.
        foreach (var review in await reviews.ProbesOfAsync(current.PersonId, cancellationToken))
        {
            if (await store.DeleteSubjectAsync(review, actor.Id, deletion, cancellationToken) is { } probe)
            {
                await reviews.ProbeDeletedAsync(review, cancellationToken);
                await operation.StepAsync("probe", AuditedOperation.Success, $"review {review:N}; certificate {probe.Id:N}");
            }
        }

        await operation.SucceededAsync(certificate is null ? $"{reason.ToCode()}; no biometric data held" : $"{reason.ToCode()}; certificate {certificate.Id:N}");
        return (current with { Ended = now, EndedBy = actor.Id, EndReason = reason }, certificate);
    }

    private static async Task EndOpenAsync(DbTransaction transaction, Guid personId, DateTimeOffset now, string by, ConsentEnd reason, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE consents SET ended_ms = @now, ended_by = @by, end_reason = @reason WHERE person_id = @person AND ended_ms IS NULL;";
        command.AddInt64("@now", now.ToUnixTimeMilliseconds());
        command.AddText("@by", by);
        command.AddText("@reason", reason.ToCode());
        command.AddParameter("@person", personId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task InsertAsync(DbTransaction transaction, ConsentRecord record, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO consents (id, person_id, notice_version, purposes, method, given_by, evidence_sha256, granted_ms, expires_ms, recorded_by)
            VALUES (@id, @person, @notice, @purposes, @method, @giver, @evidence, @granted, @expires, @by);
            """;
        command.AddParameter("@id", record.Id);
        command.AddParameter("@person", record.PersonId);
        command.AddInt64("@notice", record.NoticeVersion);
        command.AddInt64("@purposes", (long)record.Purposes);
        command.AddText("@method", record.Method.ToCode());
        command.AddText("@giver", record.GivenBy.ToCode());
        command.AddBytes("@evidence", record.EvidenceSha256);
        command.AddInt64("@granted", record.Granted.ToUnixTimeMilliseconds());
        command.AddTyped("@expires", System.Data.DbType.Int64, record.Expires?.ToUnixTimeMilliseconds());
        command.AddText("@by", record.RecordedBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<ConsentRecord>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var records = new List<ConsentRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _ = ConsentCodes.TryParse(reader.GetString(4), out ConsentMethod method);
            _ = ConsentCodes.TryParse(reader.GetString(5), out ConsentGiver giver);
            ConsentEnd? end = reader.IsDBNull(12) ? null : ConsentCodes.TryParse(reader.GetString(12), out ConsentEnd parsed) ? parsed : ConsentEnd.Withdrawn;
            records.Add(new ConsentRecord(
                reader.GetGuid(0),
                reader.GetGuid(1),
                Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture),
                (Purposes)Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture),
                method,
                giver,
                reader.IsDBNull(6) ? null : (byte[])reader.GetValue(6),
                Ms(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : Ms(reader.GetInt64(8)),
                reader.GetString(9),
                reader.IsDBNull(10) ? null : Ms(reader.GetInt64(10)),
                reader.IsDBNull(11) ? null : reader.GetString(11),
                end));
        }

        return records;
    }

    private static string Describe(ConsentRecord record) => string.Create(
        CultureInfo.InvariantCulture,
        $"notice v{record.NoticeVersion}; purposes {ConsentCodes.PurposeList(record.Purposes)}; method {record.Method.ToCode()}; given by {record.GivenBy.ToCode()}; {(record.Expires is { } e ? ExpiresIn(record.Granted, e) : "expires never")}");

    /// <summary>
    /// The term as a length, never a date: the audit log's PHI screen refuses any date in a reason (it could be a birth
    /// date), and the consent's row holds the exact expiry.
    /// </summary>
    private static string ExpiresIn(DateTimeOffset granted, DateTimeOffset expires) =>
        string.Create(CultureInfo.InvariantCulture, $"expires after {Math.Max(1, (int)Math.Ceiling((expires - granted).TotalDays))} days");

    private static DateTimeOffset Ms(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private DateTimeOffset Now() => Ms(time.GetUtcNow().ToUnixTimeMilliseconds());
}
