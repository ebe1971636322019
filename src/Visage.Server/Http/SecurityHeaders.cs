using Microsoft.AspNetCore.Http;

namespace Visage.Server.Http;

/// <summary>
/// Headers on every response: no caching anywhere (any answer may carry PHI), no framing, no referrer, no MIME sniffing,
/// and a content policy that allows only Visage's own scripts and styles (no CDN).
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    private const string Policy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    // The API reference (Scalar) starts itself with an inline module script and injects its styles; it serves no data and
    // still loads nothing from another origin.
    private const string ReferencePagePolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    // A review item shows its probe picture inline (a data URI from the sealed evidence), so no link to a picture exists.
    private const string ReviewItemPolicy = Policy + "; img-src 'self' data:";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/scalar", StringComparison.Ordinal) ? ReferencePagePolicy
                : context.Request.Path.Equals("/review/item", StringComparison.Ordinal) ? ReviewItemPolicy
                : Policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        });
        return next(context);
    }
}
