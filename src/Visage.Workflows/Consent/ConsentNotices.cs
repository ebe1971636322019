using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Visage.Audit;
using Visage.Gallery;
using Visage.Storage;

namespace Visage.Workflows.Consent;

/// <summary>
/// The versions of the consent notice. A notice is never edited: adding a changed text makes the next version, adding
/// the same text again returns the version it already has, so a consent can always name the exact words it was given on
/// (version and SHA-256). Adding is audited; notices hold no patient data.
/// </summary>
public sealed partial class ConsentNotices(ProtectedStoreLifetime store, AuditLog log, TimeProvider time)
{
    public const int MaxTextBytes = 64 * 1024;
    private const int VersionRetries = 3;
    private const string Columns = "version, sha256, language, text, created_by, created_ms";

    /// <summary>Stores <paramref name="text"/> as the next version (or returns the version holding exactly that text).</summary>
    /// <param name="language">A BCP 47 tag such as <c>en</c> or <c>es-MX</c>.</param>
    /// <exception cref="ConsentNoticeException">Empty text, over <see cref="MaxTextBytes"/>, or a malformed language tag.</exception>
    public async Task<ConsentNotice> AddAsync(AuditActor actor, string text, string language, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (string.IsNullOrWhiteSpace(text) || Encoding.UTF8.GetByteCount(text) > MaxTextBytes)
        {
            throw new ConsentNoticeException($"A notice text is required, at most {MaxTextBytes / 1024} KiB of UTF-8.");
        }

        if (language is null || !LanguageTag().IsMatch(language))
        {
            throw new ConsentNoticeException("The language must be a BCP 47 tag such as en or es-MX.");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        var opened = await store.OpenAsync(cancellationToken);
        if (await FindAsync(opened.Database, "sha256 = @sha", c => c.AddBytes("@sha", hash), cancellationToken) is [var existing])
        {
            return existing;
        }

        await using var operation = await AuditedOperation.BeginAsync(log, actor, "consent.notice.add", Purposes.Operations, reason: $"sha256 {Convert.ToHexStringLower(hash)}", cancellationToken: cancellationToken);
        var created = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var version = await InsertNextAsync(opened.Database, hash, language, text, actor.Id, created, cancellationToken);
                var notice = new ConsentNotice(version, hash, language, text, actor.Id, created);
                await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"version {version}; sha256 {notice.Sha256Hex}"));
                return notice;
            }
            catch (DbException) when (attempt < VersionRetries)
            {
                // Another process took the same next version (or added the same text) at the same moment: look again.
                if (await FindAsync(opened.Database, "sha256 = @sha", c => c.AddBytes("@sha", hash), cancellationToken) is [var raced])
                {
                    await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"version {raced.Version} (added concurrently); sha256 {raced.Sha256Hex}"));
                    return raced;
                }
            }
        }
    }

    public async Task<ConsentNotice?> GetAsync(int version, CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        return (await FindAsync(opened.Database, "version = @version", c => c.AddInt64("@version", version), cancellationToken)).SingleOrDefault();
    }

    /// <summary>The newest version in <paramref name="language"/>, or null when there is none.</summary>
    public async Task<ConsentNotice?> LatestAsync(string language, CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        return (await FindAsync(opened.Database, "language = @language", c => c.AddText("@language", language), cancellationToken)).LastOrDefault();
    }

    /// <summary>Every version, oldest first.</summary>
    public async Task<IReadOnlyList<ConsentNotice>> ListAsync(CancellationToken cancellationToken = default)
    {
        var opened = await store.OpenAsync(cancellationToken);
        return await FindAsync(opened.Database, "1 = 1", _ => { }, cancellationToken);
    }

    private static async Task<int> InsertNextAsync(VisageDatabase database, byte[] hash, string language, string text, string by, DateTimeOffset created, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO consent_notices ({Columns})
            SELECT COALESCE(MAX(version), 0) + 1, @sha, @language, @text, @by, @ms FROM consent_notices
            RETURNING version;
            """;
        command.AddBytes("@sha", hash);
        command.AddText("@language", language);
        command.AddText("@text", text);
        command.AddText("@by", by);
        command.AddInt64("@ms", created.ToUnixTimeMilliseconds());
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task<List<ConsentNotice>> FindAsync(VisageDatabase database, string where, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM consent_notices WHERE {where} ORDER BY version;";
        bind(command);
        var notices = new List<ConsentNotice>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            notices.Add(new ConsentNotice(
                Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture),
                (byte[])reader.GetValue(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }

        return notices;
    }

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();
}
