using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Storage;

namespace Visage.Server.Identity;

/// <summary>An API key as listed (never its secret).</summary>
public sealed record ApiKey(string Id, string Name, IReadOnlyList<string> Roles, Purposes Purposes, string CreatedBy, DateTimeOffset Created, DateTimeOffset Expires, DateTimeOffset? Revoked, string? RevokedBy, DateTimeOffset? LastUsed);

/// <summary>
/// Keys for kiosks and integrating systems: device roles only (kiosk, integrator), scoped to purposes, expiring, revocable.
/// The key is shown once as <c>vk_{id}.{secret}</c>; only the SHA-256 of the whole token is kept.
/// </summary>
internal sealed partial class ApiKeys(IdentityTables tables, AuditLog log, TimeProvider time, IOptions<IdentityOptions> options)
{
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    public async Task<(ApiKey Key, string Token)> CreateAsync(AuditActor actor, string name, IReadOnlyList<string> roles, Purposes purposes, int days, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(roles);
        const string action = "apikey.create";
        var problem = !NamePattern().IsMatch(name ?? string.Empty) ? (IdentityCodes.BadName, "A key's name is 1 to 64 letters, digits, spaces or . _ - (a device label, never a person).")
            : roles.Count == 0 || roles.Any(r => !Roles.IsDevice(r)) ? (IdentityCodes.BadRoles, $"An API key holds {string.Join(" or ", Roles.Device)}; staff roles need a person signing in with MFA.")
            : purposes == Purposes.None || (purposes & ~Purposes.Recognition) != 0 ? (IdentityCodes.BadPurposes, "An API key is scoped to one or more recognition purposes (check-in, step-up, ...).")
            : days < 1 || days > options.Value.MaxApiKeyDays ? (IdentityCodes.BadLifetime, string.Create(CultureInfo.InvariantCulture, $"An API key lives 1 to {options.Value.MaxApiKeyDays} days."))
            : ((string, string)?)null;
        if (problem is { } refused)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, refused.Item1);
            throw new IdentityRefusedException(refused.Item1, 400, refused.Item2);
        }

        // A dashed GUID: opaque, and the audit log's PHI screen knows it for a generated id (a short hex string could pass for an MRN).
        var id = Guid.NewGuid().ToString();
        var token = $"{SecretToken.ApiKeyPrefix}{id}.{SecretToken.Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var now = time.GetUtcNow();
        var key = new ApiKey(id, name!, roles, purposes, actor.Id, Trim(now), Trim(now.AddDays(days)), null, null, null);
        await using var operation = await AuditedOperation.BeginAsync(log, actor, action, Purposes.Operations, reason: $"key {id}: {string.Join(",", roles)}", cancellationToken: cancellationToken);
        await tables.ExecuteAsync(
            "INSERT INTO api_keys (id, name, secret_hash, roles, purposes, created_by, created_ms, expires_ms) VALUES (@id, @n, @h, @r, @p, @by, @now, @exp);",
            c =>
            {
                c.AddText("@id", id);
                c.AddText("@n", key.Name);
                c.AddBytes("@h", SecretToken.Hash(token));
                c.AddText("@r", string.Join(",", roles));
                c.AddInt64("@p", (long)purposes);
                c.AddText("@by", actor.Id);
                c.AddInt64("@now", key.Created.ToUnixTimeMilliseconds());
                c.AddInt64("@exp", key.Expires.ToUnixTimeMilliseconds());
            },
            cancellationToken);
        // No date in audit text (the screen takes any date for a birth date); the key's row holds its expiry.
        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"key {id} valid {days} days"));
        return (key, token);
    }

    /// <summary>The key behind a presented token, or why it is refused (unknown, revoked, expired).</summary>
    public async Task<(ApiKey? Key, string? Refusal)> ResolveAsync(string token, CancellationToken cancellationToken = default)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (!token.StartsWith(SecretToken.ApiKeyPrefix, StringComparison.Ordinal) || dot < 0)
        {
            return (null, IdentityCodes.UnknownCredential);
        }

        var id = token[SecretToken.ApiKeyPrefix.Length..dot];
        var found = (await tables.QueryAsync(
            $"SELECT {Columns}, secret_hash FROM api_keys WHERE id = @id;",
            c => c.AddText("@id", id),
            r => (Key: Read(r), Hash: (byte[])r[10]),
            cancellationToken)).SingleOrDefault();
        if (found.Key is null || !CryptographicOperations.FixedTimeEquals(found.Hash, SecretToken.Hash(token)))
        {
            return (null, IdentityCodes.UnknownCredential);
        }

        var now = time.GetUtcNow();
        if (found.Key.Revoked is not null)
        {
            return (null, IdentityCodes.ApiKeyRevoked);
        }

        if (found.Key.Expires <= now)
        {
            return (null, IdentityCodes.ApiKeyExpired);
        }

        if (found.Key.LastUsed is null || now - found.Key.LastUsed > TouchEvery)
        {
            await tables.ExecuteAsync("UPDATE api_keys SET last_used_ms = @now WHERE id = @id;", c => { c.AddInt64("@now", now.ToUnixTimeMilliseconds()); c.AddText("@id", id); }, cancellationToken);
        }

        return (found.Key, null);
    }

    public async Task<ApiKey> RevokeAsync(AuditActor actor, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        const string action = "apikey.revoke";
        var key = (await ListAsync(cancellationToken)).SingleOrDefault(k => string.Equals(k.Id, id, StringComparison.Ordinal));
        if (key is null || key.Revoked is not null)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, IdentityCodes.UnknownApiKey);
            throw new IdentityRefusedException(IdentityCodes.UnknownApiKey, 404, "No live API key has this id.");
        }

        await using var operation = await AuditedOperation.BeginAsync(log, actor, action, Purposes.Operations, reason: $"key {id}", cancellationToken: cancellationToken);
        var now = Trim(time.GetUtcNow());
        await tables.ExecuteAsync(
            "UPDATE api_keys SET revoked_ms = @now, revoked_by = @by WHERE id = @id AND revoked_ms IS NULL;",
            c => { c.AddInt64("@now", now.ToUnixTimeMilliseconds()); c.AddText("@by", actor.Id); c.AddText("@id", id); },
            cancellationToken);
        await operation.SucceededAsync($"key {id} revoked");
        return key with { Revoked = now, RevokedBy = actor.Id };
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default) =>
        await tables.QueryAsync($"SELECT {Columns} FROM api_keys ORDER BY created_ms;", _ => { }, Read, cancellationToken);

    private const string Columns = "id, name, roles, purposes, created_by, created_ms, expires_ms, revoked_ms, revoked_by, last_used_ms";

    private static ApiKey Read(System.Data.Common.DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        IdentityTables.RolesOf(r.GetString(2)),
        (Purposes)r.GetInt64(3),
        r.GetString(4),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        IdentityTables.NullableInt64(r, 7) is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null,
        IdentityTables.NullableString(r, 8),
        IdentityTables.NullableInt64(r, 9) is { } used ? DateTimeOffset.FromUnixTimeMilliseconds(used) : null);

    private static DateTimeOffset Trim(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());

    [GeneratedRegex(@"^[A-Za-z0-9 ._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
