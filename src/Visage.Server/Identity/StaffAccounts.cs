using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OtpNet;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Storage;

namespace Visage.Server.Identity;

/// <summary>What a new account holder receives once, at set-up: the TOTP seed for their authenticator app and recovery codes.</summary>
public sealed record AccountSetup(string UserId, IReadOnlyList<string> Roles, string TotpSecret, string OtpAuthUri, IReadOnlyList<string> RecoveryCodes);

/// <summary>A staff account as the access review sees it; never a secret.</summary>
public sealed record StaffAccount(string UserId, IReadOnlyList<string> Roles, bool MfaConfirmed, string CreatedBy, DateTimeOffset Created, DateTimeOffset? LastUsed, DateTimeOffset? LockedUntil, DateTimeOffset? Disabled);

/// <summary>
/// Staff accounts: a unique user id, a password (ASP.NET Core Identity's PBKDF2 hasher) and TOTP required for every one,
/// recovery codes. No account is made with a password someone else chose: an administrator (or the first run) issues a
/// one-time setup link, and whoever opens it sets the password and receives the TOTP seed. Failed sign-ins lock the
/// account with a doubling delay. Every change and every sign-in is audited.
/// </summary>
internal sealed partial class StaffAccounts(IdentityTables tables, AuditLog log, StaffSessions sessions, TimeProvider time, IOptions<IdentityOptions> options)
{
    private const string SecretsKind = "staff-secrets";
    private const int RecoveryCodeCount = 10;
    private static readonly AuditActor FirstRun = new("visage-server", "first-run");
    private static readonly PasswordHasher<string> Hasher = new();

    /// <summary>
    /// At start: while no administrator has completed set-up (password and a first TOTP sign-in), a new one-time link for
    /// the first administrator; otherwise null. Each start issues a fresh link, so a lost one is never a dead end.
    /// </summary>
    public async Task<string?> FirstRunLinkAsync(CancellationToken cancellationToken = default)
    {
        var ready = await tables.QueryAsync(
            "SELECT roles FROM staff_accounts WHERE mfa_confirmed = 1 AND disabled_ms IS NULL;",
            _ => { },
            r => IdentityTables.RolesOf(r.GetString(0)),
            cancellationToken);
        if (ready.Any(roles => roles.Contains(Roles.Administrator, StringComparer.Ordinal)))
        {
            return null;
        }

        // Only the newest first-run link works: an earlier one, printed to a console log by an earlier start, is spent now.
        await tables.ExecuteAsync(
            "UPDATE staff_setup_links SET used_ms = @now WHERE user_id IS NULL AND used_ms IS NULL;",
            c => c.AddInt64("@now", time.GetUtcNow().ToUnixTimeMilliseconds()),
            cancellationToken);
        return await IssueLinkAsync(FirstRun, null, [Roles.Administrator], "first administrator", cancellationToken);
    }

    /// <summary>A one-time setup link for a new staff account with <paramref name="roles"/>; the token is shown once and stored only hashed.</summary>
    public async Task<string> IssueSetupLinkAsync(AuditActor actor, string userId, IReadOnlyList<string> roles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(roles);
        if (!OperatorId.IsValid(userId))
        {
            await RefuseAsync(actor, "staff.setup-link", IdentityCodes.BadUserId, null);
            throw new IdentityRefusedException(IdentityCodes.BadUserId, 400, $"The user id must be {OperatorId.Rule}.");
        }

        if (roles.Count == 0 || roles.Any(r => !Roles.IsStaff(r)))
        {
            await RefuseAsync(actor, "staff.setup-link", IdentityCodes.BadRoles, userId);
            throw new IdentityRefusedException(IdentityCodes.BadRoles, 400, $"A staff account holds one or more of: {string.Join(", ", Roles.Staff)} (kiosks and integrators use API keys).");
        }

        if (await FindAsync(userId, cancellationToken) is not null)
        {
            await RefuseAsync(actor, "staff.setup-link", IdentityCodes.UserIdTaken, userId);
            throw new IdentityRefusedException(IdentityCodes.UserIdTaken, 409, "An account with this user id exists; user ids are never reused.");
        }

        // A new link for the same person voids the earlier ones (a lost or mistyped one must not stay usable).
        await tables.ExecuteAsync(
            "UPDATE staff_setup_links SET used_ms = @now WHERE user_id = @u AND used_ms IS NULL;",
            c => { c.AddInt64("@now", time.GetUtcNow().ToUnixTimeMilliseconds()); c.AddText("@u", userId); },
            cancellationToken);
        return await IssueLinkAsync(actor, userId, roles, string.Join(",", roles), cancellationToken);
    }

    /// <summary>
    /// Redeems a setup link: the account is created with the password given and a new TOTP seed, the link is spent, in
    /// one transaction. The account signs in only with a TOTP code from then on.
    /// </summary>
    public async Task<AccountSetup> CompleteSetupAsync(string token, string userId, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        // The whole printed link works as well as the token after its '#'.
        token = token[(token.IndexOf('#', StringComparison.Ordinal) + 1)..].Trim();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var hash = SecretToken.Hash(token);
        var link = (await tables.QueryAsync(
            "SELECT user_id, roles, created_by FROM staff_setup_links WHERE token_hash = @h AND used_ms IS NULL AND expires_ms > @now;",
            c => { c.AddBytes("@h", hash); c.AddInt64("@now", now); },
            r => (UserId: IdentityTables.NullableString(r, 0), Roles: IdentityTables.RolesOf(r.GetString(1)), CreatedBy: r.GetString(2)),
            cancellationToken)).SingleOrDefault();
        var actor = new AuditActor(OperatorId.IsValid(userId) ? userId : "unknown", "setup");
        if (link.Roles is null)
        {
            await RefuseAsync(actor, "staff.setup", IdentityCodes.SetupLinkInvalid, null);
            throw new IdentityRefusedException(IdentityCodes.SetupLinkInvalid, 400, "This setup link is unknown, used or expired; ask an administrator for a new one (the first administrator's: restart the server).");
        }

        if (!OperatorId.IsValid(userId) || (link.UserId is not null && !string.Equals(link.UserId, userId, StringComparison.Ordinal)))
        {
            await RefuseAsync(actor, "staff.setup", IdentityCodes.BadUserId, null);
            throw new IdentityRefusedException(IdentityCodes.BadUserId, 400, link.UserId is null ? $"The user id must be {OperatorId.Rule}." : "This link was issued for another user id; use the user id the administrator gave you.");
        }

        if (PasswordProblem(password, userId) is { } problem)
        {
            await RefuseAsync(actor, "staff.setup", IdentityCodes.WeakPassword, userId);
            throw new IdentityRefusedException(IdentityCodes.WeakPassword, 400, problem);
        }

        if (await FindAsync(userId, cancellationToken) is not null)
        {
            await RefuseAsync(actor, "staff.setup", IdentityCodes.UserIdTaken, userId);
            throw new IdentityRefusedException(IdentityCodes.UserIdTaken, 409, link.UserId is null ? "An account with this user id exists; choose another." : "This account is set up already; sign in, or ask an administrator for help.");
        }

        var seed = KeyGeneration.GenerateRandomKey(20);
        var recovery = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToList();
        var envelope = Guid.NewGuid();
        var opened = await tables.StoreAsync(cancellationToken);
        await using var operation = await AuditedOperation.BeginAsync(log, actor, "staff.setup", Purposes.Operations, reason: string.Join(",", link.Roles), cancellationToken: cancellationToken);
        try
        {
            await SealAccountAsync();
        }
        catch (DbException)
        {
            if (await FindAsync(userId, CancellationToken.None) is null)
            {
                throw;
            }

            // Another setup took this user id a moment ago (the insert hit the primary key); nothing of this one was kept.
            await RefuseAsync(actor, "staff.setup", IdentityCodes.UserIdTaken, userId);
            throw new IdentityRefusedException(IdentityCodes.UserIdTaken, 409, "An account with this user id exists; choose another.");
        }

        await operation.SucceededAsync("account created; MFA pending its first sign-in");
        var secret = Base32Encoding.ToString(seed);
        var uri = string.Create(CultureInfo.InvariantCulture, $"otpauth://totp/Visage:{Uri.EscapeDataString(userId)}?secret={secret}&issuer=Visage&algorithm=SHA1&digits=6&period=30");
        return new AccountSetup(userId, link.Roles, secret, uri, recovery);

        Task SealAccountAsync() => opened.Vault.SealAsync(
            envelope,
            SecretsKind,
            Seal(new AccountSecrets(Base32Encoding.ToString(seed), [.. recovery.Select(HashCode)])),
            async (transaction, ct) =>
            {
                if (await RunAsync(transaction, "UPDATE staff_setup_links SET used_ms = @now WHERE token_hash = @h AND used_ms IS NULL AND expires_ms > @now;", c => { c.AddBytes("@h", hash); c.AddInt64("@now", now); }, ct) != 1)
                {
                    throw new IdentityRefusedException(IdentityCodes.SetupLinkInvalid, 400, "This setup link was used a moment ago.");
                }

                if (link.UserId is null)
                {
                    // The first administrator exists now: no other first-run link may make another.
                    await RunAsync(transaction, "UPDATE staff_setup_links SET used_ms = @now WHERE user_id IS NULL AND used_ms IS NULL;", c => c.AddInt64("@now", now), ct);
                }

                await RunAsync(
                    transaction,
                    "INSERT INTO staff_accounts (user_id, roles, password_hash, secret_envelope, created_by, created_ms) VALUES (@u, @r, @p, @e, @by, @now);",
                    c =>
                    {
                        c.AddText("@u", userId);
                        c.AddText("@r", string.Join(",", link.Roles));
                        c.AddText("@p", Hasher.HashPassword(userId, password));
                        c.AddParameter("@e", envelope);
                        c.AddText("@by", link.CreatedBy);
                        c.AddInt64("@now", now);
                    },
                    ct);
            },
            cancellationToken);
    }

    /// <summary>
    /// Signs in with the password and a TOTP code (or, once each, a recovery code): a new session token. Failures say only
    /// that the credentials were wrong, count towards the lock, and are audited.
    /// </summary>
    public async Task<(string Token, StaffAccount Account)> SignInAsync(string userId, string password, string? totpCode, string? recoveryCode, CancellationToken cancellationToken = default)
    {
        var actor = new AuditActor(OperatorId.IsValid(userId) ? userId : "unknown", "sign-in");
        var row = OperatorId.IsValid(userId) ? await FindRowAsync(userId, cancellationToken) : null;
        var now = time.GetUtcNow();
        if (row is null || row.Account.Disabled is not null || row.PasswordHash is null)
        {
            // Hash anyway, so an unknown user id takes as long as a wrong password.
            Hasher.VerifyHashedPassword(userId ?? string.Empty, DummyHash.Value, password ?? string.Empty);
            await RefuseAsync(actor, "staff.sign-in", IdentityCodes.BadCredentials, null);
            throw new IdentityRefusedException(IdentityCodes.BadCredentials, 401, "The user id, password or code is wrong.");
        }

        if (row.Account.LockedUntil is { } locked && locked > now)
        {
            await RefuseAsync(actor, "staff.sign-in", IdentityCodes.AccountLocked, null);
            throw new IdentityRefusedException(IdentityCodes.AccountLocked, 429, "Too many failed sign-ins: this account is locked for a while; try again later or ask an administrator.", locked - now);
        }

        // Asked before the password is checked, so the answer never tells a correct password from a wrong one.
        if (string.IsNullOrEmpty(totpCode) && string.IsNullOrEmpty(recoveryCode))
        {
            await RefuseAsync(actor, "staff.sign-in", IdentityCodes.MfaRequired, null);
            throw new IdentityRefusedException(IdentityCodes.MfaRequired, 401, "A TOTP code from the authenticator app (or a recovery code) is required.");
        }

        if (Hasher.VerifyHashedPassword(userId, row.PasswordHash, password ?? string.Empty) == PasswordVerificationResult.Failed)
        {
            await FailAsync(actor, row, "password", cancellationToken);
        }

        var opened = await tables.StoreAsync(cancellationToken);
        var secrets = Unseal((await opened.Vault.GetEvidenceAsync(row.SecretEnvelope, cancellationToken)).Last(e => e.Kind == SecretsKind).Content);
        if (!string.IsNullOrEmpty(totpCode))
        {
            var totp = new Totp(Base32Encoding.ToBytes(secrets.TotpSeed));
            if (!totp.VerifyTotp(now.UtcDateTime, totpCode.Trim(), out var step, VerificationWindow.RfcSpecifiedNetworkDelay))
            {
                await FailAsync(actor, row, "totp", cancellationToken);
            }

            // A code is good once: the step it matched must be newer than the last one used (a replayed code is refused).
            var fresh = await tables.ExecuteAsync(
                "UPDATE staff_accounts SET totp_last_step = @s WHERE user_id = @u AND (totp_last_step IS NULL OR totp_last_step < @s);",
                c => { c.AddInt64("@s", step); c.AddText("@u", userId); },
                cancellationToken);
            if (fresh != 1)
            {
                await RefuseAsync(actor, "staff.sign-in", IdentityCodes.TotpReused, null);
                throw new IdentityRefusedException(IdentityCodes.TotpReused, 401, "This code was used already; wait for the next one.");
            }
        }
        else if (!secrets.RecoveryHashes.Contains(HashCode(recoveryCode!.Trim())) || !await SpendRecoveryCodeAsync(userId, HashCode(recoveryCode.Trim()), cancellationToken))
        {
            await FailAsync(actor, row, "recovery code", cancellationToken);
        }

        await tables.ExecuteAsync(
            "UPDATE staff_accounts SET failed_sign_ins = 0, locked_until_ms = NULL, mfa_confirmed = 1, last_used_ms = @now WHERE user_id = @u;",
            c => { c.AddInt64("@now", now.ToUnixTimeMilliseconds()); c.AddText("@u", userId); },
            cancellationToken);
        var token = await sessions.StartAsync(userId, cancellationToken);
        await AuditedOperation.RecordDoneAsync(log, new AuditActor(userId, string.Join(",", row.Account.Roles)), "staff.sign-in", Purposes.Operations, string.IsNullOrEmpty(totpCode) ? "signed in with a recovery code" : "signed in with TOTP");
        return (token, row.Account with { MfaConfirmed = true });
    }

    /// <summary>The account, or null.</summary>
    public async Task<StaffAccount?> FindAsync(string userId, CancellationToken cancellationToken = default) =>
        (await FindRowAsync(userId, cancellationToken))?.Account;

    /// <summary>Every account, for the access review.</summary>
    public async Task<IReadOnlyList<StaffAccount>> ListAsync(CancellationToken cancellationToken = default) =>
        (await tables.QueryAsync($"SELECT {AccountColumns} FROM staff_accounts ORDER BY user_id;", _ => { }, ReadRow, cancellationToken)).Select(r => r.Account).ToList();

    /// <summary>
    /// Disables an account: its sessions end, its TOTP seed and recovery codes are crypto-shredded; the row stays for the
    /// audit trail and the user id is never reused.
    /// </summary>
    public async Task DisableAsync(AuditActor actor, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var row = OperatorId.IsValid(userId) ? await FindRowAsync(userId, cancellationToken) : null;
        if (row is null || row.Account.Disabled is not null)
        {
            await RefuseAsync(actor, "staff.disable", IdentityCodes.UnknownAccount, null);
            throw new IdentityRefusedException(IdentityCodes.UnknownAccount, 404, "No active account has this user id.");
        }

        await using var operation = await AuditedOperation.BeginAsync(log, actor, "staff.disable", Purposes.Operations, userId, cancellationToken: cancellationToken);
        await tables.ExecuteAsync(
            "UPDATE staff_accounts SET disabled_ms = @now, disabled_by = @by WHERE user_id = @u;",
            c => { c.AddInt64("@now", time.GetUtcNow().ToUnixTimeMilliseconds()); c.AddText("@by", actor.Id); c.AddText("@u", userId); },
            cancellationToken);
        await sessions.EndAllAsync(userId, cancellationToken);
        var opened = await tables.StoreAsync(cancellationToken);
        await opened.Vault.DeleteSubjectAsync(row.SecretEnvelope, actor.Id, DeletionReason.Request, cancellationToken);
        await operation.SucceededAsync("account disabled; sessions ended, TOTP seed shredded");
    }

    private async Task<string> IssueLinkAsync(AuditActor actor, string? userId, IReadOnlyList<string> roles, string reason, CancellationToken cancellationToken)
    {
        var token = SecretToken.New(SecretToken.SetupPrefix);
        var now = time.GetUtcNow();
        await using var operation = await AuditedOperation.BeginAsync(log, actor, "staff.setup-link", Purposes.Operations, userId, reason: reason, cancellationToken: cancellationToken);
        await tables.ExecuteAsync(
            "INSERT INTO staff_setup_links (token_hash, user_id, roles, created_by, created_ms, expires_ms) VALUES (@h, @u, @r, @by, @now, @exp);",
            c =>
            {
                c.AddBytes("@h", SecretToken.Hash(token));
                c.AddText("@u", userId);
                c.AddText("@r", string.Join(",", roles));
                c.AddText("@by", actor.Id);
                c.AddInt64("@now", now.ToUnixTimeMilliseconds());
                c.AddInt64("@exp", (now + options.Value.SetupLinkLifetime).ToUnixTimeMilliseconds());
            },
            cancellationToken);
        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"one-time link for {reason}, valid {options.Value.SetupLinkLifetime.TotalHours:0.#} h"));
        return token;
    }

    private async Task FailAsync(AuditActor actor, AccountRow row, string factor, CancellationToken cancellationToken)
    {
        // Counted in the database, not from the row read earlier: guesses sent at once each count.
        var failures = (int)(await tables.QueryAsync(
            "UPDATE staff_accounts SET failed_sign_ins = failed_sign_ins + 1 WHERE user_id = @u RETURNING failed_sign_ins;",
            c => c.AddText("@u", row.Account.UserId),
            r => r.GetInt64(0),
            cancellationToken)).Single();
        var threshold = options.Value.LockoutThreshold;
        long? lockedUntil = failures >= threshold
            ? (time.GetUtcNow() + TimeSpan.FromMinutes(Math.Pow(2, Math.Min(failures - threshold, 10)))).ToUnixTimeMilliseconds()
            : null;
        if (lockedUntil is not null)
        {
            await tables.ExecuteAsync(
                "UPDATE staff_accounts SET locked_until_ms = @l WHERE user_id = @u AND (locked_until_ms IS NULL OR locked_until_ms < @l);",
                c => { c.AddInt64("@l", lockedUntil.Value); c.AddText("@u", row.Account.UserId); },
                cancellationToken);
        }

        await RefuseAsync(actor, "staff.sign-in", IdentityCodes.BadCredentials, null, $"wrong {factor}; {failures} failed in a row{(lockedUntil is null ? string.Empty : ", account locked")}");
        throw new IdentityRefusedException(IdentityCodes.BadCredentials, 401, "The user id, password or code is wrong.");
    }

    /// <summary>True when this code had not been used: the row's primary key lets one of two simultaneous uses through.</summary>
    private async Task<bool> SpendRecoveryCodeAsync(string userId, string codeHash, CancellationToken cancellationToken)
    {
        try
        {
            return await tables.ExecuteAsync(
                "INSERT INTO staff_recovery_uses (user_id, code_hash, used_ms) VALUES (@u, @h, @now);",
                c => { c.AddText("@u", userId); c.AddText("@h", codeHash); c.AddInt64("@now", time.GetUtcNow().ToUnixTimeMilliseconds()); },
                cancellationToken) == 1;
        }
        catch (DbException)
        {
            return false;
        }
    }

    private Task<AuditRecord> RefuseAsync(AuditActor actor, string action, string code, string? subject, string? detail = null) =>
        detail is null
            ? AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, code, subject)
            : AuditedOperation.RecordRefusedAsync(log, actor, action, Purposes.Operations, $"{code}: {detail}", subject);

    private const string AccountColumns = "user_id, roles, mfa_confirmed, created_by, created_ms, last_used_ms, locked_until_ms, disabled_ms, password_hash, secret_envelope, failed_sign_ins";

    private async Task<AccountRow?> FindRowAsync(string userId, CancellationToken cancellationToken) =>
        (await tables.QueryAsync($"SELECT {AccountColumns} FROM staff_accounts WHERE user_id = @u;", c => c.AddText("@u", userId), ReadRow, cancellationToken)).SingleOrDefault();

    private static AccountRow ReadRow(DbDataReader r) => new(
        new StaffAccount(
            r.GetString(0),
            IdentityTables.RolesOf(r.GetString(1)),
            r.GetInt64(2) != 0,
            r.GetString(3),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
            Time(IdentityTables.NullableInt64(r, 5)),
            Time(IdentityTables.NullableInt64(r, 6)),
            Time(IdentityTables.NullableInt64(r, 7))),
        IdentityTables.NullableString(r, 8),
        r.IsDBNull(9) ? Guid.Empty : r.GetGuid(9),
        (int)r.GetInt64(10));

    private static DateTimeOffset? Time(long? ms) => ms is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms.Value);

    private static async Task<int> RunAsync(DbTransaction transaction, string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>12 to 128 characters, not the user id: length over composition rules (NIST SP 800-63B).</summary>
    internal static string? PasswordProblem(string? password, string userId) =>
        password is null || password.Length < 12 ? "The password must have at least 12 characters."
        : password.Length > 128 ? "The password must have at most 128 characters."
        : password.Contains(userId, StringComparison.OrdinalIgnoreCase) ? "The password must not contain the user id."
        : null;

    private static string NewRecoveryCode()
    {
        var text = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();
        return $"{text[..4]}-{text[4..8]}-{text[8..12]}-{text[12..16]}";
    }

    private static string HashCode(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.ToLowerInvariant())));

    private static byte[] Seal(AccountSecrets secrets) => JsonSerializer.SerializeToUtf8Bytes(secrets, IdentityJson.Default.AccountSecrets);

    private static AccountSecrets Unseal(byte[] content) => JsonSerializer.Deserialize(content, IdentityJson.Default.AccountSecrets)
        ?? throw new InvalidOperationException("An account's sealed secrets could not be read.");

    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword("nobody", "not a password anyone has"));

    private sealed record AccountRow(StaffAccount Account, string? PasswordHash, Guid SecretEnvelope, int FailedSignIns);
}

/// <summary>What an account's key envelope holds: the TOTP seed and the hashes of its recovery codes (a used one is a row of staff_recovery_uses).</summary>
internal sealed record AccountSecrets(string TotpSeed, IReadOnlyList<string> RecoveryHashes);

[System.Text.Json.Serialization.JsonSerializable(typeof(AccountSecrets))]
internal sealed partial class IdentityJson : System.Text.Json.Serialization.JsonSerializerContext;
