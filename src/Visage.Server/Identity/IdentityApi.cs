using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;

namespace Visage.Server.Identity;

public sealed record SetupRequest(string Token, string UserId, string Password);

/// <param name="Browser">True for a browser: the session travels only in an HttpOnly cookie (no script can read it) and
/// the answer carries the CSRF token instead; otherwise the answer carries the bearer token and no cookie is set.</param>
public sealed record SignInRequest(string UserId, string Password, string? Totp, string? RecoveryCode, bool Browser = false);

public sealed record SignedIn(string UserId, IReadOnlyList<string> Roles, string? Token, string? CsrfToken, int IdleTimeoutSeconds);

public sealed record CallerView(string Id, string Credential, IReadOnlyList<string> Roles);

public sealed record NewStaffRequest(string UserId, IReadOnlyList<string> Roles);

public sealed record SetupLinkIssued(string UserId, string SetupToken, string SetupPath);

public sealed record ElevationRequest(string Role, int Minutes, string Reason);

public sealed record NewApiKeyRequest(string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Purposes, int Days);

public sealed record ApiKeyView(string Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Purposes, string CreatedBy, DateTimeOffset Created, DateTimeOffset Expires, DateTimeOffset? Revoked, string? RevokedBy, DateTimeOffset? LastUsed)
{
    internal static ApiKeyView Of(ApiKey key) => new(key.Id, key.Name, key.Roles, PurposeCodes.Recognition.Where(p => (key.Purposes & p) != 0).Select(p => p.ToCode()).ToList(), key.CreatedBy, key.Created, key.Expires, key.Revoked, key.RevokedBy, key.LastUsed);
}

public sealed record ApiKeyCreated(ApiKeyView Key, string Token);

/// <summary>Sign-in, set-up, staff accounts, API keys, elevations and the access review, under <c>/api/v1</c>.</summary>
internal static class IdentityApi
{
    /// <summary>The limiter policy of the endpoints that take a password or a setup token: a few tries a minute per address.</summary>
    public const string SignInLimit = "sign-in";

    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Identity");
        api.MapPost("/setup", SetupAsync).AnonymousByDesign("redeems a one-time setup link: the link's token is the credential").RequireRateLimiting(SignInLimit);
        api.MapPost("/session", SignInAsync).AnonymousByDesign("signing in: the password and TOTP code are the credential").RequireRateLimiting(SignInLimit);
        api.MapGet("/session", Me).Declare(Permissions.Self, EndpointDeclarations.NotAudited);
        api.MapDelete("/session", SignOutAsync).Declare(Permissions.Self, "staff.sign-out");
        api.MapPost("/staff", IssueLinkAsync).Declare(Permissions.StaffManage, "staff.setup-link");
        api.MapDelete("/staff/{userId}", DisableAsync).Declare(Permissions.StaffManage, "staff.disable");
        api.MapPost("/staff/{userId}/elevations", ElevateAsync).Declare(Permissions.Elevate, "role.elevate");
        api.MapDelete("/staff/{userId}/elevations/{id}", EndElevationAsync).Declare(Permissions.Elevate, "role.elevation-end");
        api.MapPost("/api-keys", CreateKeyAsync).Declare(Permissions.ApiKeysManage, "apikey.create");
        api.MapGet("/api-keys", ListKeysAsync).Declare(Permissions.ApiKeysManage, EndpointDeclarations.NotAudited);
        api.MapDelete("/api-keys/{id}", RevokeKeyAsync).Declare(Permissions.ApiKeysManage, "apikey.revoke");
        api.MapGet("/access-review", AccessReviewAsync).Declare(Permissions.AccessReview, "access-review.read");
        return routes;
    }

    internal static async Task<Created<AccountSetup>> SetupAsync(SetupRequest request, StaffAccounts accounts, CancellationToken cancellationToken)
    {
        var setup = await accounts.CompleteSetupAsync(request.Token ?? string.Empty, request.UserId ?? string.Empty, request.Password ?? string.Empty, cancellationToken);
        return TypedResults.Created((string?)null, setup);
    }

    internal static async Task<Ok<SignedIn>> SignInAsync(SignInRequest request, StaffAccounts accounts, IOptions<IdentityOptions> options, HttpContext context, CancellationToken cancellationToken)
    {
        var (token, account) = await accounts.SignInAsync(request.UserId ?? string.Empty, request.Password ?? string.Empty, request.Totp, request.RecoveryCode, cancellationToken);
        var idle = (int)options.Value.IdleTimeout.TotalSeconds;
        if (!request.Browser)
        {
            return TypedResults.Ok(new SignedIn(account.UserId, account.Roles, token, null, idle));
        }

        BrowserSession.Start(context.Response, token);
        return TypedResults.Ok(new SignedIn(account.UserId, account.Roles, null, CsrfToken.For(token), idle));
    }

    internal static Ok<CallerView> Me(HttpContext context)
    {
        var caller = context.Caller()!;
        return TypedResults.Ok(new CallerView(caller.Id, caller.Credential == CredentialKind.Session ? "session" : "api-key", caller.Roles));
    }

    internal static async Task<NoContent> SignOutAsync(HttpContext context, StaffSessions sessions, AuditLog log, CancellationToken cancellationToken)
    {
        await BrowserSession.SignOutAsync(context, sessions, log, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Created<SetupLinkIssued>> IssueLinkAsync(NewStaffRequest request, StaffAccounts accounts, HttpContext context, CancellationToken cancellationToken)
    {
        var token = await accounts.IssueSetupLinkAsync(context.Actor(), request.UserId ?? string.Empty, request.Roles ?? [], cancellationToken);
        return TypedResults.Created((string?)null, new SetupLinkIssued(request.UserId!, token, SetupPath(token)));
    }

    internal static async Task<NoContent> DisableAsync(string userId, StaffAccounts accounts, HttpContext context, CancellationToken cancellationToken)
    {
        await accounts.DisableAsync(context.Actor(), userId, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Created<RoleElevation>> ElevateAsync(string userId, ElevationRequest request, RoleElevations elevations, HttpContext context, CancellationToken cancellationToken)
    {
        var elevation = await elevations.GrantAsync(context.Actor(), userId, request.Role ?? string.Empty, TimeSpan.FromMinutes(request.Minutes), request.Reason ?? string.Empty, cancellationToken);
        return TypedResults.Created((string?)null, elevation);
    }

    internal static async Task<NoContent> EndElevationAsync(string userId, string id, RoleElevations elevations, HttpContext context, CancellationToken cancellationToken)
    {
        await elevations.EndAsync(context.Actor(), userId, id, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Created<ApiKeyCreated>> CreateKeyAsync(NewApiKeyRequest request, ApiKeys keys, HttpContext context, CancellationToken cancellationToken)
    {
        var purposes = Purposes.None;
        foreach (var code in request.Purposes ?? [])
        {
            if (!PurposeCodes.TryParse(code, out var purpose) || !PurposeCodes.IsOneRecognitionPurpose(purpose))
            {
                throw new IdentityRefusedException(IdentityCodes.BadPurposes, StatusCodes.Status400BadRequest, $"Purposes are among: {string.Join(", ", PurposeCodes.Recognition.Select(p => p.ToCode()))}.");
            }

            purposes |= purpose;
        }

        var (key, token) = await keys.CreateAsync(context.Actor(), request.Name ?? string.Empty, request.Roles ?? [], purposes, request.Days, cancellationToken);
        return TypedResults.Created((string?)null, new ApiKeyCreated(ApiKeyView.Of(key), token));
    }

    internal static async Task<Ok<List<ApiKeyView>>> ListKeysAsync(ApiKeys keys, CancellationToken cancellationToken) =>
        TypedResults.Ok((await keys.ListAsync(cancellationToken)).Select(ApiKeyView.Of).ToList());

    internal static async Task<Ok<ApiKeyView>> RevokeKeyAsync(string id, ApiKeys keys, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Ok(ApiKeyView.Of(await keys.RevokeAsync(context.Actor(), id, cancellationToken)));

    internal static async Task<Ok<AccessReview>> AccessReviewAsync(StaffAccounts accounts, ApiKeys keys, RoleElevations elevations, AuditLog log, HttpContext context, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var granted = await elevations.ListAsync(cancellationToken);
        var report = new AccessReview(
            now,
            (await accounts.ListAsync(cancellationToken)).Select(a => new AccessReviewAccount(
                a.UserId,
                a.Roles,
                granted.Where(e => e.UserId == a.UserId && e.Expires > now && e.Ended is null).Select(e => e.Role).Distinct().ToList(),
                a.CreatedBy,
                a.Created,
                a.LastUsed,
                a.MfaConfirmed,
                a.LockedUntil > now ? a.LockedUntil : null,
                a.Disabled)).ToList(),
            (await keys.ListAsync(cancellationToken)).Select(ApiKeyView.Of).ToList(),
            granted);
        await AuditedOperation.RecordDoneAsync(log, context.Actor(), "access-review.read", Purposes.SecurityReview, string.Create(CultureInfo.InvariantCulture, $"{report.Accounts.Count} accounts, {report.ApiKeys.Count} API keys, {report.Elevations.Count} elevations"));
        return TypedResults.Ok(report);
    }

    /// <summary>The page that redeems a setup token: the token rides in the fragment, which browsers never send to a server or write to its logs.</summary>
    public static string SetupPath(string token) => Pages.PageRoutes.Setup + "#" + token;
}

/// <summary>Who holds what, granted by whom, last used: the periodic entitlement review.</summary>
public sealed record AccessReview(DateTimeOffset Generated, IReadOnlyList<AccessReviewAccount> Accounts, IReadOnlyList<ApiKeyView> ApiKeys, IReadOnlyList<RoleElevation> Elevations);

public sealed record AccessReviewAccount(string UserId, IReadOnlyList<string> Roles, IReadOnlyList<string> ElevatedRoles, string CreatedBy, DateTimeOffset Created, DateTimeOffset? LastUsed, bool MfaConfirmed, DateTimeOffset? LockedUntil, DateTimeOffset? Disabled);
