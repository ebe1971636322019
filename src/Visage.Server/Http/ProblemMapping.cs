using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Server.Identity;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;

namespace Visage.Server.Http;

/// <summary>
/// The one mapping from exceptions to RFC 7807 answers. A workflow refusal keeps its reason code (problem type and a
/// <c>reason</c> member) and its kind decides the status (400, 404, 403); an audit log that cannot be written is 503
/// ("nothing was done"); anything else is a fault of Visage: 500 with a correlation id, no detail, and only the
/// exception's type in the log (messages may carry input).
/// </summary>
internal sealed partial class ProblemMapping(IProblemDetailsService problems, AuditLog log, ILogger<ProblemMapping> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        var (status, code, detail) = exception switch
        {
            WorkflowRefusedException refused => (refused.Kind switch
            {
                RefusalKind.NotFound => StatusCodes.Status404NotFound,
                RefusalKind.NotPermitted => StatusCodes.Status403Forbidden,
                _ => StatusCodes.Status400BadRequest,
            }, refused.Code, refused.Message),
            IdentityRefusedException identity => (identity.Status, identity.Code, identity.Message),
            PurposeNotApprovedException notApproved => (StatusCodes.Status403Forbidden, PurposeNotApprovedException.Code, notApproved.Message),
            BadHttpRequestException bad => (bad.StatusCode, "bad-request", Unreadable(bad)),
            AuditUnavailableException => (StatusCodes.Status503ServiceUnavailable, "audit-unavailable", "The audit log cannot be written, so nothing was done."),
            _ => (StatusCodes.Status500InternalServerError, "internal", (string?)null),
        };

        if (exception is BadHttpRequestException && !await RecordUnreadableAsync(httpContext))
        {
            (status, code, detail) = (StatusCodes.Status503ServiceUnavailable, "audit-unavailable", "The audit log cannot be written, so nothing was done.");
        }

        var problem = ProblemWriter.Create(status, code, detail);
        if (exception is IdentityRefusedException { RetryAfter: { } wait })
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (status >= StatusCodes.Status500InternalServerError)
        {
            var correlationId = Guid.NewGuid().ToString("N")[..12];
            problem.Extensions["correlationId"] = correlationId;
            Fault(logger, exception.GetType().Name, correlationId);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    /// <summary>Where the body went wrong, by its JSON path (field names only, never a value).</summary>
    private static string Unreadable(BadHttpRequestException bad) =>
        bad.InnerException is System.Text.Json.JsonException { Path: { Length: > 1 } path }
            ? $"The JSON body could not be read at {path}: an unknown or misspelled field, or a value of the wrong type (the API is described at /openapi/v1.json)."
            : bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "The body is over the size limit."
                : "The request could not be read (size, format or encoding).";

    /// <summary>
    /// A request to an audited endpoint that could not even be read (malformed JSON, wrong content type, too large) is
    /// still a request about protected data by a known caller: one refused record, never its content. False when the
    /// record cannot be written.
    /// </summary>
    private async Task<bool> RecordUnreadableAsync(HttpContext context)
    {
        // The exception handler has cleared the endpoint by now; the gate kept what it admitted the caller to.
        var declaration = context.AdmittedTo();
        if (declaration is null || declaration.AuditAction == EndpointDeclarations.NotAudited || context.ActorOrNull() is not { } actor)
        {
            return true;
        }

        try
        {
            await AuditedOperation.RecordRefusedAsync(log, actor, declaration.AuditAction!, declaration.Purpose == Purposes.None ? Purposes.Operations : declaration.Purpose, "bad-request");
            return true;
        }
        catch (AuditUnavailableException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "request failed: {ExceptionType} (correlation id {CorrelationId})")]
    private static partial void Fault(ILogger logger, string exceptionType, string correlationId);
}
