using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.People;

/// <summary>
/// Patients and staff with opaque ids. A person's record details (name, birth date, MRN, EHR id) are sealed in a key
/// envelope of their own, apart from the biometric one, so withdrawing consent crypto-shreds the face data while the
/// patient link stays; erasing the record shreds the envelope. The MRN is also kept as an HMAC under a deployment key
/// (itself sealed in the store), so a desk can find a patient by MRN without the MRN being stored in clear.
/// </summary>
public sealed partial class PersonRegistry(ProtectedStoreLifetime store, AuditLog log, TimeProvider time)
{
    public const int MaxNameLength = 200;
    private const string RecordKind = "record";
    private const string MrnKeyKind = "mrn-index-key";

    /// <summary>The store subject whose sealed content is this deployment's MRN hashing key (random per deployment).</summary>
    private static readonly Guid MrnKeyEnvelope = new("6d726e00-0000-4000-8000-000000000001");
    private Task<byte[]>? mrnKey;

    /// <summary>Registers a person; the details are sealed in the same transaction as the person row.</summary>
    public async Task<Person> AddAsync(AuditActor actor, PersonKind kind, PersonDetails details, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(details);
        var id = Guid.NewGuid();
        const string action = "subject.add";
        if (DetailsProblem(details) is { } problem)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, RefusalCodes.DetailsRefused);
            throw new WorkflowRefusedException(RefusalCodes.DetailsRefused, RefusalKind.BadInput, problem);
        }

        var mrnHash = details.Mrn is { } mrn ? await HashMrnAsync(mrn, cancellationToken) : null;
        var opened = await store.OpenAsync(cancellationToken);
        if (mrnHash is not null && await FindIdByMrnHashAsync(opened.Database, mrnHash, cancellationToken) is not null)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, RefusalCodes.MrnTaken);
            throw new WorkflowRefusedException(RefusalCodes.MrnTaken, RefusalKind.BadInput, "A person with this MRN is already registered; find them by MRN instead of adding a second record.");
        }

        var created = Now();
        var envelope = Guid.NewGuid();
        await using var operation = await AuditedOperation.BeginAsync(log, actor, action, Purposes.Operations, id.ToString(), KeyVersions.Kek(opened), kind.ToString().ToLowerInvariant(), cancellationToken);
        var sealedDetails = JsonSerializer.SerializeToUtf8Bytes(details, PeopleJson.Default.PersonDetails);
        try
        {
            await opened.Vault.SealAsync(
                envelope,
                RecordKind,
                sealedDetails,
                (transaction, token) => InsertAsync(transaction, id, kind, mrnHash, envelope, actor.Id, created, token),
                cancellationToken);
        }
        catch (DbException) when (mrnHash is not null)
        {
            // The same MRN registered at the same moment by another desk makes the unique index refuse the second; any
            // other database failure is what it is.
            if (await FindIdByMrnHashAsync(opened.Database, mrnHash, CancellationToken.None) is null)
            {
                throw;
            }

            await operation.FailedAsync(RefusalCodes.MrnTaken);
            throw new WorkflowRefusedException(RefusalCodes.MrnTaken, RefusalKind.BadInput, "A person with this MRN is already registered; find them by MRN instead of adding a second record.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sealedDetails);
        }

        await operation.SucceededAsync(kind.ToString().ToLowerInvariant());
        return new Person(id, kind, mrnHash is not null, created, null);
    }

    /// <summary>The person, or null; no protected data is read (the row holds none in clear).</summary>
    public async Task<Person?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, kind, mrn_hash, created_ms, last_seen_ms FROM people WHERE id = @id;";
        command.AddParameter("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPerson(reader) : null;
    }

    /// <summary>The person, or a <see cref="RefusalCodes.UnknownSubject"/> refusal (the caller audits it).</summary>
    public async Task<Person> RequireAsync(Guid id, CancellationToken cancellationToken = default) =>
        await GetAsync(id, cancellationToken)
        ?? throw new WorkflowRefusedException(RefusalCodes.UnknownSubject, RefusalKind.NotFound, "No person has this id.");

    /// <summary>Which of <paramref name="ids"/> are not registered (one query per 500 ids).</summary>
    public async Task<IReadOnlyList<Guid>> UnknownAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var opened = await store.OpenAsync(cancellationToken);
        var known = new HashSet<Guid>();
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT id FROM people WHERE id IN ({string.Join(", ", chunk.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"@p{i}")))});";
            for (var i = 0; i < chunk.Length; i++)
            {
                command.AddParameter(string.Create(CultureInfo.InvariantCulture, $"@p{i}"), chunk[i]);
            }

            known.UnionWith(await command.ReadGuidsAsync(cancellationToken));
        }

        return ids.Where(id => !known.Contains(id)).ToList();
    }

    /// <summary>Opens the person's sealed details (audited: it is a read of PHI).</summary>
    public async Task<PersonDetails> ReadDetailsAsync(AuditActor actor, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        const string action = "subject.details.read";
        var opened = await store.OpenAsync(cancellationToken);
        var envelope = await EnvelopeOfAsync(opened.Database, id, cancellationToken);
        if (envelope is null)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, RefusalCodes.UnknownSubject, id.ToString());
            throw new WorkflowRefusedException(RefusalCodes.UnknownSubject, RefusalKind.NotFound, "No person has this id.");
        }

        await using var operation = await AuditedOperation.BeginAsync(log, actor, action, Purposes.Operations, id.ToString(), KeyVersions.Kek(opened), cancellationToken: cancellationToken);
        var sealedRecords = await opened.Vault.GetEvidenceAsync(envelope.Value, cancellationToken);
        var record = sealedRecords.LastOrDefault(r => string.Equals(r.Kind, RecordKind, StringComparison.Ordinal));
        var details = record.Content is null ? new PersonDetails() : JsonSerializer.Deserialize(record.Content, PeopleJson.Default.PersonDetails) ?? new PersonDetails();
        await operation.SucceededAsync(record.Content is null ? "no details held (erased or never given)" : "details shown");
        return details;
    }

    /// <summary>Finds a person by MRN through its keyed hash (audited, with the person found; the MRN never is).</summary>
    public async Task<Person?> FindByMrnAsync(AuditActor actor, string mrn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        const string action = "subject.find-by-mrn";
        if (!MrnPattern().IsMatch(mrn?.Trim() ?? string.Empty))
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, RefusalCodes.DetailsRefused);
            throw new WorkflowRefusedException(RefusalCodes.DetailsRefused, RefusalKind.BadInput, "An MRN is 1 to 64 letters, digits or - . / (what was given is not shown).");
        }

        var hash = await HashMrnAsync(mrn!, cancellationToken);
        var opened = await store.OpenAsync(cancellationToken);
        var id = await FindIdByMrnHashAsync(opened.Database, hash, cancellationToken);
        await AuditedOperation.RecordDoneAsync(log, actor, action, Purposes.Operations, id is null ? "not found" : "found", subject: id?.ToString());
        return id is null ? null : await GetAsync(id.Value, cancellationToken);
    }

    /// <summary>Marks the person as seen (an accepted check-in or verification), for the inactivity retention rule.</summary>
    public async Task TouchAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE people SET last_seen_ms = @now WHERE id = @id;";
        command.AddInt64("@now", Now().ToUnixTimeMilliseconds());
        command.AddParameter("@id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>People whose biometric data has been unused since <paramref name="cutoff"/> (last seen, or registered if never seen).</summary>
    internal async Task<IReadOnlyList<Guid>> InactiveSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT p.id FROM people p
            WHERE COALESCE(p.last_seen_ms, p.created_ms) < @cutoff AND EXISTS (SELECT 1 FROM subjects s WHERE s.id = p.id)
            ORDER BY p.id;
            """;
        command.AddInt64("@cutoff", cutoff.ToUnixTimeMilliseconds());
        return await command.ReadGuidsAsync(cancellationToken);
    }

    /// <summary>
    /// People who hold biometric data without a consent in force at <paramref name="now"/> (a withdrawal whose shredding
    /// did not complete, data enrolled outside the workflows): retention shreds it.
    /// </summary>
    internal async Task<IReadOnlyList<Guid>> UnconsentedWithBiometricsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var opened = await store.OpenAsync(cancellationToken);
        await using var connection = await opened.Database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT p.id FROM people p
            WHERE EXISTS (SELECT 1 FROM subjects s WHERE s.id = p.id)
              AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p.id AND c.ended_ms IS NULL AND (c.expires_ms IS NULL OR c.expires_ms > @now))
            ORDER BY p.id;
            """;
        command.AddInt64("@now", now.ToUnixTimeMilliseconds());
        return await command.ReadGuidsAsync(cancellationToken);
    }

    private static async Task InsertAsync(DbTransaction transaction, Guid id, PersonKind kind, byte[]? mrnHash, Guid envelope, string by, DateTimeOffset created, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO people (id, kind, mrn_hash, record_envelope, created_by, created_ms) VALUES (@id, @kind, @mrn, @envelope, @by, @created);";
        command.AddParameter("@id", id);
        command.AddText("@kind", kind == PersonKind.Patient ? "patient" : "staff");
        command.AddBytes("@mrn", mrnHash);
        command.AddParameter("@envelope", envelope);
        command.AddText("@by", by);
        command.AddInt64("@created", created.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Guid?> FindIdByMrnHashAsync(VisageDatabase database, byte[] hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM people WHERE mrn_hash = @hash;";
        command.AddBytes("@hash", hash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetGuid(0) : null;
    }

    private static async Task<Guid?> EnvelopeOfAsync(VisageDatabase database, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record_envelope FROM people WHERE id = @id;";
        command.AddParameter("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetGuid(0) : null;
    }

    private static Person ReadPerson(DbDataReader reader) => new(
        reader.GetGuid(0),
        string.Equals(reader.GetString(1), "staff", StringComparison.Ordinal) ? PersonKind.Staff : PersonKind.Patient,
        !reader.IsDBNull(2),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));

    private static string? DetailsProblem(PersonDetails details)
    {
        if (details.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl)))
        {
            return $"A name is 1 to {MaxNameLength} characters without control characters (what was given is not shown).";
        }

        if (details.Mrn is { } mrn && !MrnPattern().IsMatch(mrn.Trim()))
        {
            return "An MRN is 1 to 64 letters, digits or - . / (what was given is not shown).";
        }

        if (details.EhrPatientId is { } ehr && !MrnPattern().IsMatch(ehr.Trim()))
        {
            return "An EHR patient id is 1 to 64 letters, digits or - . / (what was given is not shown).";
        }

        if (details.BirthDate is { } birth && (birth.Year < 1880 || birth > DateOnly.FromDateTime(DateTime.UtcNow)))
        {
            return "A birth date must be a real past date (what was given is not shown).";
        }

        return null;
    }

    /// <summary>
    /// A short keyed digest of another identifier (an order or accession number) under the deployment's key, for audit
    /// records: the same id always gives the same digest here, and nothing outside the deployment can reverse it.
    /// </summary>
    internal async Task<string> DigestAsync(string kind, string identifier, CancellationToken cancellationToken)
    {
        var key = await MrnKeyAsync(cancellationToken);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{kind}:{identifier.Trim()}")).AsSpan(0, 8));
    }

    /// <summary>HMAC-SHA256 of the normalised MRN under the deployment's MRN key (made on first use, sealed in the store).</summary>
    private async Task<byte[]> HashMrnAsync(string mrn, CancellationToken cancellationToken)
    {
        var key = await MrnKeyAsync(cancellationToken);
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(mrn.Trim().ToUpperInvariant()));
    }

    /// <summary>The key, loaded (or made) once per process; a failed load is tried again by the next caller.</summary>
    private Task<byte[]> MrnKeyAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref mrnKey);
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            Interlocked.CompareExchange(ref mrnKey, LoadMrnKeyAsync(), current);
        }

        return Volatile.Read(ref mrnKey)!.WaitAsync(cancellationToken);
    }

    private async Task<byte[]> LoadMrnKeyAsync()
    {
        var opened = await store.OpenAsync(CancellationToken.None);
        var existing = await opened.Vault.GetEvidenceAsync(MrnKeyEnvelope, CancellationToken.None);
        if (existing.Count == 0)
        {
            await opened.Vault.SealAsync(MrnKeyEnvelope, MrnKeyKind, RandomNumberGenerator.GetBytes(32), cancellationToken: CancellationToken.None);
            // Two first uses at once each seal a key; both then take the oldest, so every node hashes alike.
            existing = await opened.Vault.GetEvidenceAsync(MrnKeyEnvelope, CancellationToken.None);
        }

        return existing.First(e => string.Equals(e.Kind, MrnKeyKind, StringComparison.Ordinal)).Content;
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    [GeneratedRegex(@"^[A-Za-z0-9./-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex MrnPattern();
}
