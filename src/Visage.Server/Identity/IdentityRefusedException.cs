using Microsoft.AspNetCore.Http;

namespace Visage.Server.Identity;

/// <summary>
/// A credential or account request refused: a stable reason <see cref="Code"/> (the problem type), the HTTP status it
/// maps to, and a message that never repeats the secret or the password that was given.
/// </summary>
public sealed class IdentityRefusedException : Exception
{
    public IdentityRefusedException()
        : this("bad-credentials", StatusCodes.Status401Unauthorized, "The credentials were not accepted.")
    {
    }

    public IdentityRefusedException(string message)
        : this("bad-credentials", StatusCodes.Status401Unauthorized, message)
    {
    }

    public IdentityRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "bad-credentials";
        Status = StatusCodes.Status401Unauthorized;
    }

    public IdentityRefusedException(string code, int status, string message, TimeSpan? retryAfter = null)
        : base(message)
    {
        Code = code;
        Status = status;
        RetryAfter = retryAfter;
    }

    public string Code { get; }

    public int Status { get; }

    /// <summary>For a locked account: how long until it may try again.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>The reason codes of identity refusals.</summary>
public static class IdentityCodes
{
    public const string BadCredentials = "bad-credentials";
    public const string AccountLocked = "account-locked";
    public const string TotpReused = "totp-reused";
    public const string MfaRequired = "mfa-required";
    public const string SetupLinkInvalid = "setup-link-invalid";
    public const string WeakPassword = "weak-password";
    public const string UserIdTaken = "user-id-taken";
    public const string UnknownAccount = "unknown-account";
    public const string BadRoles = "bad-roles";
    public const string Unauthenticated = "unauthenticated";
    public const string SessionExpired = "session-expired";
    public const string ApiKeyRevoked = "api-key-revoked";
    public const string ApiKeyExpired = "api-key-expired";
    public const string UnknownCredential = "unknown-credential";
    public const string ForbiddenRole = "forbidden-role";
    public const string PurposeOutOfScope = "purpose-out-of-scope";
    public const string CsrfMissing = "csrf-token-missing";
    public const string UnknownApiKey = "unknown-api-key";
    public const string BadElevation = "bad-elevation";
    public const string BadUserId = "bad-user-id";
    public const string BadPurposes = "bad-purposes";
    public const string BadLifetime = "bad-lifetime";
    public const string BadName = "bad-name";
}
