using Microsoft.Extensions.Options;
using Visage.Storage;

namespace Visage.Server.Identity;

/// <summary>A session that resolved: whose it is and when it began.</summary>
internal sealed record StaffSession(string UserId, DateTimeOffset Started);

/// <summary>
/// Signed-in sessions, kept server-side (the client holds only a random token, stored here hashed): a session unused for
/// the idle timeout or older than the maximum age is over, and sign-out or disabling the account ends it at once.
/// </summary>
internal sealed class StaffSessions(IdentityTables tables, TimeProvider time, IOptions<IdentityOptions> options)
{
    /// <summary>Last-seen is written at most this often, so a busy session does not write on every request.</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromSeconds(15);

    public async Task<string> StartAsync(string userId, CancellationToken cancellationToken = default)
    {
        var token = SecretToken.New(SecretToken.SessionPrefix);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await tables.ExecuteAsync(
            "INSERT INTO staff_sessions (token_hash, user_id, created_ms, last_seen_ms) VALUES (@h, @u, @now, @now);",
            c => { c.AddBytes("@h", SecretToken.Hash(token)); c.AddText("@u", userId); c.AddInt64("@now", now); },
            cancellationToken);
        return token;
    }

    /// <summary>The live session behind <paramref name="token"/>, or the reason it is not one (unknown or expired).</summary>
    public async Task<(StaffSession? Session, string? Refusal)> ResolveAsync(string token, CancellationToken cancellationToken = default)
    {
        var hash = SecretToken.Hash(token);
        var row = (await tables.QueryAsync(
            "SELECT s.user_id, s.created_ms, s.last_seen_ms, s.ended_ms, a.disabled_ms FROM staff_sessions s JOIN staff_accounts a ON a.user_id = s.user_id WHERE s.token_hash = @h;",
            c => c.AddBytes("@h", hash),
            r => (UserId: r.GetString(0), Created: r.GetInt64(1), LastSeen: r.GetInt64(2), Ended: IdentityTables.NullableInt64(r, 3), Disabled: IdentityTables.NullableInt64(r, 4)),
            cancellationToken)).SingleOrDefault();
        if (row.UserId is null)
        {
            return (null, IdentityCodes.UnknownCredential);
        }

        var now = time.GetUtcNow();
        var lastSeen = DateTimeOffset.FromUnixTimeMilliseconds(row.LastSeen);
        var created = DateTimeOffset.FromUnixTimeMilliseconds(row.Created);
        if (row.Ended is not null || row.Disabled is not null || now - lastSeen > options.Value.IdleTimeout || now - created > options.Value.MaxSessionAge)
        {
            return (null, IdentityCodes.SessionExpired);
        }

        if (now - lastSeen > TouchEvery)
        {
            await tables.ExecuteAsync(
                "UPDATE staff_sessions SET last_seen_ms = @now WHERE token_hash = @h;",
                c => { c.AddInt64("@now", now.ToUnixTimeMilliseconds()); c.AddBytes("@h", hash); },
                cancellationToken);
        }

        return (new StaffSession(row.UserId, created), null);
    }

    public Task EndAsync(string token, CancellationToken cancellationToken = default) =>
        tables.ExecuteAsync(
            "UPDATE staff_sessions SET ended_ms = @now WHERE token_hash = @h AND ended_ms IS NULL;",
            c => { c.AddInt64("@now", time.GetUtcNow().ToUnixTimeMilliseconds()); c.AddBytes("@h", SecretToken.Hash(token)); },
            cancellationToken);

    public Task EndAllAsync(string userId, CancellationToken cancellationToken = default) =>
        tables.ExecuteAsync(
            "UPDATE staff_sessions SET ended_ms = @now WHERE user_id = @u AND ended_ms IS NULL;",
            c => { c.AddInt64("@now", time.GetUtcNow().ToUnixTimeMilliseconds()); c.AddText("@u", userId); },
            cancellationToken);
}
