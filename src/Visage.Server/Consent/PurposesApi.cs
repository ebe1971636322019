using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;

namespace Visage.Server.Consent;

/// <summary>Why a purpose is approved or revoked: a DPIA or committee reference and the reason (kept in clear, so no patient).</summary>
public sealed record PurposeDecisionRequest(string? Rationale);

/// <summary>One recorded decision on a purpose.</summary>
public sealed record PurposeDecisionView(Guid Id, string Purpose, string Decision, string DecidedBy, DateTimeOffset Decided, string Rationale)
{
    internal static PurposeDecisionView Of(PurposeDecision decision) =>
        new(decision.Id, decision.Purpose.ToCode(), decision.Approved ? "approved" : "revoked", decision.DecidedBy, decision.DecidedUtc, decision.Rationale);
}

/// <summary>A recognition purpose and the decision in force for it (none: never decided, so unusable).</summary>
public sealed record PurposeView(string Code, bool Approved, PurposeDecisionView? InForce);

/// <summary>
/// Purpose limitation under <c>/api/v1/purposes</c>: every recognition purpose with its decision in force, a purpose's
/// decisions, and the privacy office's approvals and revocations (each with a rationale, audited by the registry).
/// </summary>
internal static class PurposesApi
{
    public static IEndpointRouteBuilder MapPurposeEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/purposes").WithTags("Purposes");
        // Decisions hold no patient data: reading them is not audited; making them is.
        api.MapGet(string.Empty, ListAsync).Declare(Permissions.PurposesRead, EndpointDeclarations.NotAudited);
        api.MapGet("/{code}/decisions", HistoryAsync).Declare(Permissions.PurposesRead, EndpointDeclarations.NotAudited);
        api.MapPost("/{code}/approval", ApproveAsync).Declare(Permissions.PurposesDecide, "purpose.approve");
        api.MapPost("/{code}/revocation", RevokeAsync).Declare(Permissions.PurposesDecide, "purpose.revoke");
        return routes;
    }

    internal static async Task<Ok<List<PurposeView>>> ListAsync(PurposeRegistry purposes, CancellationToken cancellationToken) =>
        TypedResults.Ok((await purposes.ListAsync(cancellationToken))
            .Select(p => new PurposeView(p.Code, p.Approved, p.InForce is null ? null : PurposeDecisionView.Of(p.InForce)))
            .ToList());

    internal static async Task<Ok<List<PurposeDecisionView>>> HistoryAsync(string code, PurposeRegistry purposes, CancellationToken cancellationToken) =>
        TypedResults.Ok((await purposes.HistoryAsync(Parse(code), cancellationToken)).Select(PurposeDecisionView.Of).ToList());

    internal static Task<Created<PurposeDecisionView>> ApproveAsync(string code, PurposeDecisionRequest request, PurposeRegistry purposes, HttpContext context, CancellationToken cancellationToken) =>
        DecideAsync(code, request, purposes.ApproveAsync, context, cancellationToken);

    internal static Task<Created<PurposeDecisionView>> RevokeAsync(string code, PurposeDecisionRequest request, PurposeRegistry purposes, HttpContext context, CancellationToken cancellationToken) =>
        DecideAsync(code, request, purposes.RevokeAsync, context, cancellationToken);

    /// <summary>One recognition purpose by its code; anything else (an unknown code, a non-recognition purpose) is a 400.</summary>
    internal static Purposes Parse(string code) =>
        PurposeCodes.TryParse(code, out var purpose) && PurposeCodes.IsOneRecognitionPurpose(purpose)
            ? purpose
            : throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, RecognitionCodes);

    /// <summary>The message naming the purposes there are (never the code that was given).</summary>
    internal static string RecognitionCodes => $"A purpose is one of: {string.Join(", ", PurposeCodes.Recognition.Select(p => p.ToCode()))}.";

    private static async Task<Created<PurposeDecisionView>> DecideAsync(
        string code,
        PurposeDecisionRequest request,
        Func<AuditActor, Purposes, string, CancellationToken, Task<PurposeDecision>> decide,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        var purpose = Parse(code);
        try
        {
            var decision = await decide(context.Actor(), purpose, request.Rationale ?? string.Empty, cancellationToken);
            return TypedResults.Created($"/api/v1/purposes/{purpose.ToCode()}/decisions", PurposeDecisionView.Of(decision));
        }
        catch (PurposeRationaleException refused)
        {
            // The registry has audited the refusal; its message names the rule, never the rationale.
            throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, refused.Message);
        }
    }
}
