using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Visage.Gallery;
using Visage.Protection;

namespace Visage.Storage;

/// <summary>
/// The storage contract for everything biometric: subjects' wrapped data keys, encrypted templates and
/// evidence, wrapped transform keys and deletion certificates. It stores and returns ciphertext only; the
/// vault above it holds the keys. One implementation serves SQLite and PostgreSQL.
/// </summary>
public sealed class BiometricStore(VisageDatabase database)
{
    /// <summary>Tables whose freed space is scrubbed after a subject is deleted.</summary>
    internal static readonly IReadOnlyList<string> SubjectTables = ["evidence", "templates", "subjects"];

    public VisageDatabase Database => database;

    public Task InsertSubjectAsync(SubjectKeyRecord subject, CancellationToken cancellationToken = default) =>
        InsertSubjectDataAsync(subject, [], [], cancellationToken: cancellationToken);

    public async Task<SubjectKeyRecord?> GetSubjectAsync(Guid subjectId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, key_id, kek_version, wrapped_key, created_ms FROM subjects WHERE id = @id;";
        command.AddParameter("@id", subjectId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSubject(reader, 0) : null;
    }

    public Task InsertTemplateAsync(TemplateRecord template, CancellationToken cancellationToken = default) =>
        InsertSubjectDataAsync(null, [template], [], cancellationToken: cancellationToken);

    /// <summary>
    /// Stores a subject's new key (when <paramref name="newSubject"/> is given), templates and evidence in one transaction:
    /// either all of them are stored or none is, so an enrolment of several images never leaves a half-enrolled subject.
    /// </summary>
    /// <param name="alongside">The caller's own rows to write in the same transaction (a review item beside its probe image).</param>
    public async Task InsertSubjectDataAsync(
        SubjectKeyRecord? newSubject,
        IReadOnlyList<TemplateRecord> templates,
        IReadOnlyList<EvidenceRecord> evidence,
        Func<DbTransaction, CancellationToken, Task>? alongside = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(evidence);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (newSubject is not null)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO subjects (id, key_id, kek_version, wrapped_key, created_ms) VALUES (@id, @key, @version, @wrapped, @created);";
            command.AddParameter("@id", newSubject.SubjectId);
            command.AddParameter("@key", newSubject.KeyId);
            command.AddParameter("@version", newSubject.WrappedKey.KeyVersion);
            command.AddParameter("@wrapped", newSubject.WrappedKey.Blob);
            command.AddParameter("@created", newSubject.Created.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var template in templates)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO templates (id, subject_id, purposes, transform_version, model_version, created_ms, ciphertext)
                VALUES (@id, @subject, @purposes, @transform, @model, @created, @ciphertext);
                """;
            command.AddParameter("@id", template.Id);
            command.AddParameter("@subject", template.SubjectId);
            command.AddParameter("@purposes", (int)template.Purposes);
            command.AddParameter("@transform", template.TransformVersion);
            command.AddParameter("@model", template.ModelVersion);
            command.AddParameter("@created", template.Created.ToUnixTimeMilliseconds());
            command.AddParameter("@ciphertext", template.Ciphertext);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var item in evidence)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO evidence (id, subject_id, kind, created_ms, ciphertext) VALUES (@id, @subject, @kind, @created, @ciphertext);";
            command.AddParameter("@id", item.Id);
            command.AddParameter("@subject", item.SubjectId);
            command.AddParameter("@kind", item.Kind);
            command.AddParameter("@created", item.Created.ToUnixTimeMilliseconds());
            command.AddParameter("@ciphertext", item.Ciphertext);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (alongside is not null)
        {
            await alongside(transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Sets the purposes every template of the subject serves (a consent widened); returns how many templates changed.</summary>
    public async Task<int> SetTemplatePurposesAsync(Guid subjectId, Purposes purposes, CancellationToken cancellationToken = default)
    {
        if (!PurposeCodes.IsTemplateSet(purposes))
        {
            throw new ArgumentException("A template serves one or more recognition purposes and nothing else.", nameof(purposes));
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE templates SET purposes = @purposes WHERE subject_id = @subject;";
        command.AddParameter("@purposes", (int)purposes);
        command.AddParameter("@subject", subjectId);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<TemplateRecord>> GetTemplatesAsync(Guid subjectId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TemplateColumns} FROM templates WHERE subject_id = @subject ORDER BY created_ms, id;";
        command.AddParameter("@subject", subjectId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var templates = new List<TemplateRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            templates.Add(ReadTemplate(reader, 0));
        }

        return templates;
    }

    /// <summary>Every template with its subject's wrapped key, grouped by subject, for loading the gallery.</summary>
    public async IAsyncEnumerable<(SubjectKeyRecord Subject, TemplateRecord Template)> StreamTemplatesAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT s.id, s.key_id, s.kek_version, s.wrapped_key, s.created_ms, t.id, t.subject_id, t.purposes, t.transform_version, t.model_version, t.created_ms, t.ciphertext
            FROM templates t JOIN subjects s ON s.id = t.subject_id ORDER BY s.id;
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        SubjectKeyRecord? subject = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var subjectId = reader.GetGuid(0);
            if (subject is null || subject.SubjectId != subjectId)
            {
                subject = ReadSubject(reader, 0);
            }

            yield return (subject, ReadTemplate(reader, 5));
        }
    }

    public Task InsertEvidenceAsync(EvidenceRecord evidence, CancellationToken cancellationToken = default) =>
        InsertSubjectDataAsync(null, [], [evidence], cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<EvidenceRecord>> GetEvidenceAsync(Guid subjectId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, subject_id, kind, created_ms, ciphertext FROM evidence WHERE subject_id = @subject ORDER BY created_ms, id;";
        command.AddParameter("@subject", subjectId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<EvidenceRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new EvidenceRecord(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), FromMs(reader.GetInt64(3)), (byte[])reader.GetValue(4)));
        }

        return items;
    }

    public async Task<IReadOnlyList<TransformKeyRecord>> GetTransformKeysAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, kek_version, wrapped_key, created_ms FROM transform_keys ORDER BY version;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<TransformKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new TransformKeyRecord(reader.GetInt32(0), new WrappedKey(reader.GetInt32(1), (byte[])reader.GetValue(2)), FromMs(reader.GetInt64(3))));
        }

        return keys;
    }

    public async Task InsertTransformKeyAsync(TransformKeyRecord key, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO transform_keys (version, kek_version, wrapped_key, created_ms) VALUES (@version, @kek, @wrapped, @created);";
        command.AddParameter("@version", key.Version);
        command.AddParameter("@kek", key.WrappedKey.KeyVersion);
        command.AddParameter("@wrapped", key.WrappedKey.Blob);
        command.AddParameter("@created", key.Created.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> subjects whose data key is wrapped under a version other than <paramref name="version"/>.</summary>
    public async Task<IReadOnlyList<SubjectKeyRecord>> GetSubjectsNotWrappedUnderAsync(int version, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, key_id, kek_version, wrapped_key, created_ms FROM subjects WHERE kek_version <> @version ORDER BY id LIMIT @limit;";
        command.AddParameter("@version", version);
        command.AddParameter("@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var subjects = new List<SubjectKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            subjects.Add(ReadSubject(reader, 0));
        }

        return subjects;
    }

    /// <summary>Up to <paramref name="limit"/> subjects with ids after <paramref name="after"/> (all from the start when null), in id order: every subject, page by page.</summary>
    public async Task<IReadOnlyList<SubjectKeyRecord>> GetSubjectsAfterAsync(Guid? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = after is null
            ? "SELECT id, key_id, kek_version, wrapped_key, created_ms FROM subjects ORDER BY id LIMIT @limit;"
            : "SELECT id, key_id, kek_version, wrapped_key, created_ms FROM subjects WHERE id > @after ORDER BY id LIMIT @limit;";
        if (after is { } start)
        {
            command.AddParameter("@after", start);
        }

        command.AddParameter("@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var subjects = new List<SubjectKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            subjects.Add(ReadSubject(reader, 0));
        }

        return subjects;
    }

    /// <summary>
    /// Replaces wrapped data keys in one transaction. Each row is updated only if it still holds the wrapping
    /// it was read with, so a concurrent deletion or a second rotator cannot be overwritten.
    /// </summary>
    public async Task<int> ReplaceWrappedKeysAsync(IReadOnlyList<(SubjectKeyRecord Old, WrappedKey New)> changes, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = 0;
        foreach (var (old, next) in changes)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE subjects SET kek_version = @version, wrapped_key = @wrapped WHERE id = @id AND kek_version = @old;";
            command.AddParameter("@version", next.KeyVersion);
            command.AddParameter("@wrapped", next.Blob);
            command.AddParameter("@id", old.SubjectId);
            command.AddParameter("@old", old.WrappedKey.KeyVersion);
            updated += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    public async Task ReplaceTransformKeyWrappingAsync(TransformKeyRecord old, WrappedKey next, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE transform_keys SET kek_version = @version, wrapped_key = @wrapped WHERE version = @transform AND kek_version = @old;";
        command.AddParameter("@version", next.KeyVersion);
        command.AddParameter("@wrapped", next.Blob);
        command.AddParameter("@transform", old.Version);
        command.AddParameter("@old", old.WrappedKey.KeyVersion);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Up to <paramref name="limit"/> templates made under a transform version other than <paramref name="version"/>, with their subjects' keys.</summary>
    public async Task<IReadOnlyList<(SubjectKeyRecord Subject, TemplateRecord Template)>> GetTemplatesNotUnderTransformAsync(int version, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT s.id, s.key_id, s.kek_version, s.wrapped_key, s.created_ms,
                   t.id, t.subject_id, t.purposes, t.transform_version, t.model_version, t.created_ms, t.ciphertext
            FROM templates t JOIN subjects s ON s.id = t.subject_id
            WHERE t.transform_version <> @version ORDER BY s.id LIMIT @limit;
            """;
        command.AddParameter("@version", version);
        command.AddParameter("@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<(SubjectKeyRecord, TemplateRecord)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add((ReadSubject(reader, 0), ReadTemplate(reader, 5)));
        }

        return items;
    }

    /// <summary>Re-issued templates, in one transaction; a row is replaced only if it is still the version it was read at.</summary>
    public async Task ReplaceTemplatesAsync(IReadOnlyList<(TemplateRecord Old, int TransformVersion, byte[] Ciphertext)> changes, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (old, version, ciphertext) in changes)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE templates SET transform_version = @version, ciphertext = @ciphertext WHERE id = @id AND transform_version = @old;";
            command.AddParameter("@version", version);
            command.AddParameter("@ciphertext", ciphertext);
            command.AddParameter("@id", old.Id);
            command.AddParameter("@old", old.TransformVersion);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Destroys every transform key except <paramref name="keep"/> that no template uses any more; returns their versions.</summary>
    public async Task<IReadOnlyList<int>> DeleteUnusedTransformKeysAsync(int keep, CancellationToken cancellationToken = default)
    {
        var unused = new List<int>();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT version FROM transform_keys k WHERE version <> @keep AND NOT EXISTS (SELECT 1 FROM templates t WHERE t.transform_version = k.version);";
            select.AddParameter("@keep", keep);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                unused.Add(reader.GetInt32(0));
            }
        }

        foreach (var version in unused)
        {
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM transform_keys WHERE version = @version;";
            delete.AddParameter("@version", version);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        return unused;
    }

    /// <summary>How many stored keys (subject data keys and transform keys) each key-encryption key version wraps.</summary>
    public async Task<IReadOnlyDictionary<int, long>> CountWrappedKeysByVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT kek_version, count(*) FROM (
                SELECT kek_version FROM subjects UNION ALL SELECT kek_version FROM transform_keys) k
            GROUP BY kek_version;
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<int, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>Per subject, how many templates each embedding model made (counts only: nothing is decrypted).</summary>
    public async Task<IReadOnlyList<TemplateModelCount>> CountTemplatesByModelAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT subject_id, model_version, count(*) FROM templates GROUP BY subject_id, model_version ORDER BY subject_id, model_version;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new List<TemplateModelCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new TemplateModelCount(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return counts;
    }

    /// <summary>
    /// What the store holds that only its existing keys open or verify, so a key provider opening over it knows
    /// whether it may create missing keys. A table that cannot be read (dropped, damaged) counts as holding data:
    /// when in doubt, nothing is created.
    /// </summary>
    public async Task<StoreContents> GetContentsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var wrapped = await HoldsRowsAsync(connection, "subjects", cancellationToken) || await HoldsRowsAsync(connection, "transform_keys", cancellationToken);
        var signed = await HoldsRowsAsync(connection, "deletion_certificates", cancellationToken) || await HoldsRowsAsync(connection, "audit_checkpoints", cancellationToken);
        var audited = await HoldsRowsAsync(connection, "audit_records", cancellationToken);
        return new StoreContents(database.Description, wrapped, signed, audited);
    }

    /// <summary>
    /// Deletes a subject's evidence, templates and wrapped data key, and stores the certificate
    /// <paramref name="certify"/> makes from what was deleted, all in one transaction: either everything is
    /// gone and certified, or nothing changed. Returns null when the subject does not exist.
    /// </summary>
    public async Task<DeletionCertificateRecord?> DeleteSubjectAsync(
        Guid subjectId, Func<SubjectKeyRecord, DeletedRows, DeletionCertificateRecord> certify, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certify);
        DeletionCertificateRecord certificate;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            SubjectKeyRecord subject;
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = "SELECT id, key_id, kek_version, wrapped_key, created_ms FROM subjects WHERE id = @id;";
                select.AddParameter("@id", subjectId);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return null;
                }

                subject = ReadSubject(reader, 0);
            }

            var evidence = await DeleteRowsAsync(connection, transaction, "DELETE FROM evidence WHERE subject_id = @id;", subjectId, cancellationToken);
            var templates = await DeleteRowsAsync(connection, transaction, "DELETE FROM templates WHERE subject_id = @id;", subjectId, cancellationToken);
            await DeleteRowsAsync(connection, transaction, "DELETE FROM subjects WHERE id = @id;", subjectId, cancellationToken);
            certificate = certify(subject, new DeletedRows(templates, evidence));
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO deletion_certificates (id, subject_id, issued_ms, body, signature) VALUES (@id, @subject, @issued, @body, @signature);";
                insert.AddParameter("@id", certificate.Id);
                insert.AddParameter("@subject", certificate.SubjectId);
                insert.AddParameter("@issued", certificate.Issued.ToUnixTimeMilliseconds());
                insert.AddParameter("@body", certificate.Body);
                insert.AddParameter("@signature", certificate.Signature);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await database.ScrubAsync(SubjectTables, cancellationToken);
        return certificate;
    }

    public async Task<IReadOnlyList<DeletionCertificateRecord>> GetDeletionCertificatesAsync(Guid subjectId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, subject_id, issued_ms, body, signature FROM deletion_certificates WHERE subject_id = @subject ORDER BY issued_ms;";
        command.AddParameter("@subject", subjectId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<DeletionCertificateRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new DeletionCertificateRecord(reader.GetGuid(0), reader.GetGuid(1), FromMs(reader.GetInt64(2)), reader.GetString(3), (byte[])reader.GetValue(4)));
        }

        return items;
    }

    public async Task<long> CountAsync(string table, CancellationToken cancellationToken = default)
    {
        if (table is not ("subjects" or "templates" or "evidence" or "deletion_certificates"))
        {
            throw new ArgumentException($"Unknown table '{table}'.", nameof(table));
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table};";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private const string TemplateColumns = "id, subject_id, purposes, transform_version, model_version, created_ms, ciphertext";

    private static async Task<bool> HoldsRowsAsync(DbConnection connection, string table, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = connection.CreateCommand();
            // Table names come from the callers' constants, never from input.
            command.CommandText = $"SELECT 1 FROM {table} LIMIT 1;";
            return await command.ExecuteScalarAsync(cancellationToken) is not null;
        }
        catch (DbException)
        {
            return true;
        }
    }

    private static async Task<int> DeleteRowsAsync(DbConnection connection, DbTransaction transaction, string sql, Guid subjectId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.AddParameter("@id", subjectId);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SubjectKeyRecord ReadSubject(DbDataReader reader, int at) =>
        new(reader.GetGuid(at), reader.GetGuid(at + 1), new WrappedKey(reader.GetInt32(at + 2), (byte[])reader.GetValue(at + 3)), FromMs(reader.GetInt64(at + 4)));

    private static TemplateRecord ReadTemplate(DbDataReader reader, int at) =>
        new(reader.GetGuid(at), reader.GetGuid(at + 1), (Purposes)reader.GetInt32(at + 2), reader.GetInt32(at + 3), reader.GetString(at + 4), FromMs(reader.GetInt64(at + 5)), (byte[])reader.GetValue(at + 6));

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
