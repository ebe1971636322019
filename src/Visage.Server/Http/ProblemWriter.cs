using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Visage.Server.Http;

/// <summary>Writes the RFC 7807 body every refusal has: type <c>urn:visage:problem:{code}</c>, title, detail and a <c>reason</c> member.</summary>
internal static class ProblemWriter
{
    public const string TypePrefix = "urn:visage:problem:";

    public static ProblemDetails Create(int status, string code, string? detail) => new()
    {
        Status = status,
        Type = TypePrefix + code,
        Title = code,
        Detail = detail,
        Extensions = { ["reason"] = code },
    };

    /// <summary>
    /// Answers the framework writes itself (no route: 404, wrong method: 405, wrong content type: 415) get a reason code
    /// too, so every problem a client sees has one.
    /// </summary>
    public static void AddReason(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ProblemDetails.Extensions.ContainsKey("reason"))
        {
            return;
        }

        var code = context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => "not-found",
            StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
            StatusCodes.Status413PayloadTooLarge => "body-too-large",
            StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
            { } other => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http-{other}"),
            null => "unknown",
        };
        context.ProblemDetails.Type = TypePrefix + code;
        context.ProblemDetails.Extensions["reason"] = code;
        context.ProblemDetails.Detail ??= code switch
        {
            "not-found" => "No such endpoint; the API is described at /openapi/v1.json.",
            "unsupported-media-type" => "Send JSON with 'Content-Type: application/json' (or multipart/form-data where an endpoint takes files).",
            _ => null,
        };
    }

    public static async Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        var problems = context.RequestServices.GetService(typeof(IProblemDetailsService)) as IProblemDetailsService
            ?? throw new InvalidOperationException("Problem details are not registered (AddVisageServer does it).");
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = Create(status, code, detail) });
    }
}
