using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Endpoints;
using Visage.Server.Http;
using Visage.Server.Identity;
using Visage.Server.Pages;

namespace Visage.Server.Access;

/// <summary>
/// The one authorization decision, from the endpoint's own declaration: anonymous by design passes; otherwise no caller
/// is 401; a caller none of whose roles grants the permission is 403 (audited); an API key outside its purpose scope is
/// 403; a browser session's unsafe request without its CSRF token (on a page, the antiforgery token) is 403. A page's
/// refusals send the browser to the sign-in or refusal page instead. Then the audit actor is the caller acting in
/// the role that grants the permission.
/// </summary>
internal sealed class AccessGate(RequestDelegate next)
{
    public const string CsrfHeader = "X-CSRF-Token";

    public async Task InvokeAsync(HttpContext context, AuditLog log, Microsoft.Extensions.Options.IOptions<IdentityOptions> identity, IAntiforgery antiforgery)
    {
        var declaration = context.GetEndpoint()?.Metadata.GetMetadata<EndpointDeclaration>();
        // A page a person reads: refusals send the browser to the sign-in or refusal page, and its forms carry the built-in antiforgery token.
        var page = context.GetEndpoint()?.Metadata.GetMetadata<BrowserPage>() is not null;
        if (declaration is null || declaration.IsAnonymous)
        {
            // No endpoint matched (404 follows), or one that needs no credentials; the start-up check rules out undeclared ones.
            await next(context);
            return;
        }

        var caller = context.Caller();
        if (caller is null)
        {
            var code = context.CredentialRefusal() ?? IdentityCodes.Unauthenticated;
            if (page)
            {
                context.Response.Redirect(PageRoutes.SignInBecause(code));
                return;
            }

            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ProblemWriter.WriteAsync(context, StatusCodes.Status401Unauthorized, code, code switch
            {
                IdentityCodes.SessionExpired => $"The session has ended (idle for {identity.Value.IdleTimeout.TotalMinutes:0.#} minutes, too old, or signed out); sign in again.",
                IdentityCodes.ApiKeyRevoked => "This API key has been revoked.",
                IdentityCodes.ApiKeyExpired => "This API key has expired; ask an administrator for a new one.",
                IdentityCodes.UnknownCredential => "The credential presented is not known.",
                _ => "Send 'Authorization: Bearer <token>': a staff session token from POST /api/v1/session, or an API key (devices and integrations).",
            });
            return;
        }

        var permission = declaration.Permission!;
        var role = RolePermissions.RoleFor(caller.Roles, permission);
        var (refusal, detail) = role is null ? (IdentityCodes.ForbiddenRole, $"None of this caller's roles holds '{permission}'.")
            : caller.Credential == CredentialKind.ApiKey && declaration.Purpose != Purposes.None && (caller.Scope & declaration.Purpose) == 0 ? (IdentityCodes.PurposeOutOfScope, "This API key is not scoped to this endpoint's purpose.")
            : caller.ByCookie && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !(page ? await antiforgery.IsRequestValidAsync(context) : CsrfToken.Matches(caller.CookieSecret!, context.Request.Headers[CsrfHeader].ToString())) ? (IdentityCodes.CsrfMissing, $"A browser session's changes carry the {CsrfHeader} header given at sign-in.")
            : ((string?)null, (string?)null);
        if (refusal is not null)
        {
            await AuditedOperation.RecordRefusedAsync(log, new AuditActor(caller.Id, role ?? string.Join(",", caller.Roles)), declaration.AuditAction!, declaration.Purpose == Purposes.None ? Purposes.Operations : declaration.Purpose, refusal);
            if (page)
            {
                context.Response.Redirect(PageRoutes.DeniedBecause(refusal));
                return;
            }

            await ProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, refusal, detail!);
            return;
        }

        context.SetActor(new AuditActor(caller.Id, role!), declaration);
        await next(context);
    }
}
