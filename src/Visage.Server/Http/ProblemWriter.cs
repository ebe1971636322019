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

    public static async Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        var problems = context.RequestServices.GetService(typeof(IProblemDetailsService)) as IProblemDetailsService
            ?? throw new InvalidOperationException("Problem details are not registered (AddVisageServer does it).");
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = Create(status, code, detail) });
    }
}
