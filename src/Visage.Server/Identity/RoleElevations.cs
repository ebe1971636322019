using System.Globalization;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Storage;

namespace Visage.Server.Identity;

/// <summary>A time-limited role an administrator granted, with the reason.</summary>
public sealed record RoleElevation(string Id, string UserId, string Role, string Reason, string GrantedBy, DateTimeOffset Granted, DateTimeOffset Expires, DateTimeOffset? Ended = null, string? EndedBy = null);

/// <summary>
/// Just-in-time elevation: an administrator grants a staff role to an account for a limited time with a reason; it ends by
/// itself (every request reads only unexpired grants). An administrator cannot elevate their own account.
/// </summary>
internal sealed class RoleElevations(IdentityTables tables, AuditLog log, StaffAccounts accounts, TimeProvider time, IOptions<IdentityOptions> options)
{
    public async Task<RoleElevation> GrantAsync(AuditActor actor, string userId, string role, TimeSpan duration, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        const string action = "role.elevate";
        var account = OperatorId.IsValid(userId) ? await accounts.FindAsync(userId, cancellationToken) : null;
        var problem = account is null || account.Disabled is not null ? (IdentityCodes.UnknownAccount, 404, "No active account has this user id.")
            : string.Equals(userId, actor.Id, StringComparison.Ordinal) ? (IdentityCodes.BadElevation, 403, "An administrator cannot elevate their own account; another administrator must.")
            : string.Equals(account.CreatedBy, actor.Id, StringComparison.Ordinal) ? (IdentityCodes.BadElevation, 403, "An administrator cannot elevate an account they created (it could be their own second account); another administrator must.")
            : !Roles.IsStaff(role) ? (IdentityCodes.BadRoles, 400, $"Only a staff role can be granted: {string.Join(", ", Roles.Staff)}.")
            : duration <= TimeSpan.Zero || duration > options.Value.MaxElevation ? (IdentityCodes.BadElevation, 400, string.Create(CultureInfo.InvariantCulture, $"An elevation lasts from a minute up to {options.Value.MaxElevation.TotalHours:0.#} h."))
            : string.IsNullOrWhiteSpace(reason) || reason.Length > 200 ? (IdentityCodes.BadElevation, 400, "Give the reason for the elevation (up to 200 characters, no patient details).")
            : ((string, int, string)?)null;
        if (problem is { } refused)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, refused.Item1);
            throw new IdentityRefusedException(refused.Item1, refused.Item2, refused.Item3);
        }

        var now = DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var elevation = new RoleElevation(Guid.NewGuid().ToString(), userId, role, reason.Trim(), actor.Id, now, now + duration);
        // The account elevated is the record's subject; the reason holds no user id or date (the PHI screen would refuse
        // a name-like id or any date), and the free-text reason stays in the elevation's row.
        await using var operation = await AuditedOperation.BeginAsync(log, actor, action, Purposes.Operations, userId, reason: string.Create(CultureInfo.InvariantCulture, $"{role} for {duration.TotalMinutes:0} min"), cancellationToken: cancellationToken);
        await tables.ExecuteAsync(
            "INSERT INTO role_elevations (id, user_id, role, reason, granted_by, granted_ms, expires_ms) VALUES (@id, @u, @r, @why, @by, @now, @exp);",
            c =>
            {
                c.AddText("@id", elevation.Id);
                c.AddText("@u", userId);
                c.AddText("@r", role);
                c.AddText("@why", elevation.Reason);
                c.AddText("@by", actor.Id);
                c.AddInt64("@now", now.ToUnixTimeMilliseconds());
                c.AddInt64("@exp", elevation.Expires.ToUnixTimeMilliseconds());
            },
            cancellationToken);
        await operation.SucceededAsync($"elevation {elevation.Id}");
        return elevation;
    }

    /// <summary>Ends an elevation before its time (the work is done, or it was granted in error); audited.</summary>
    public async Task EndAsync(AuditActor actor, string userId, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        const string action = "role.elevation-end";
        var ended = await tables.ExecuteAsync(
            "UPDATE role_elevations SET ended_ms = @now, ended_by = @by WHERE id = @id AND user_id = @u AND ended_ms IS NULL AND expires_ms > @now;",
            c => { c.AddInt64("@now", time.GetUtcNow().ToUnixTimeMilliseconds()); c.AddText("@by", actor.Id); c.AddText("@id", id); c.AddText("@u", userId); },
            cancellationToken);
        if (ended != 1)
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, IdentityCodes.BadElevation, OperatorId.IsValid(userId) ? userId : null);
            throw new IdentityRefusedException(IdentityCodes.BadElevation, 404, "This account has no elevation in force with this id.");
        }

        await AuditedOperation.RecordDoneAsync(log, actor, action, Purposes.Operations, $"elevation {id} ended early", subject: userId);
    }

    /// <summary>The roles granted to <paramref name="userId"/> that have not yet expired.</summary>
    public async Task<IReadOnlyList<string>> ActiveRolesAsync(string userId, CancellationToken cancellationToken = default) =>
        await tables.QueryAsync(
            "SELECT DISTINCT role FROM role_elevations WHERE user_id = @u AND expires_ms > @now AND ended_ms IS NULL;",
            c => { c.AddText("@u", userId); c.AddInt64("@now", time.GetUtcNow().ToUnixTimeMilliseconds()); },
            r => r.GetString(0),
            cancellationToken);

    /// <summary>Every elevation granted, newest first (the access review shows them all, expired included).</summary>
    public async Task<IReadOnlyList<RoleElevation>> ListAsync(CancellationToken cancellationToken = default) =>
        await tables.QueryAsync(
            "SELECT id, user_id, role, reason, granted_by, granted_ms, expires_ms, ended_ms, ended_by FROM role_elevations ORDER BY granted_ms DESC;",
            _ => { },
            r => new RoleElevation(
                r.GetString(0),
                r.GetString(1),
                r.GetString(2),
                r.GetString(3),
                r.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
                IdentityTables.NullableInt64(r, 7) is { } ended ? DateTimeOffset.FromUnixTimeMilliseconds(ended) : null,
                IdentityTables.NullableString(r, 8)),
            cancellationToken);
}
