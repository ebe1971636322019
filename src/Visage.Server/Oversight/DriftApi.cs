using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Workflows.Drift;

namespace Visage.Server.Oversight;

/// <summary>
/// The drift report under <c>/api/v1/drift</c> for the officers: per model version and context, no person in it. Reading
/// it is audited; it raises no alert records (the weekly check does, and <c>visage drift report</c>).
/// </summary>
internal static class DriftApi
{
    public static IEndpointRouteBuilder MapDriftEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/drift").WithTags("Drift").MapGet("/", ReportAsync).Declare(Permissions.DriftRead, DriftMonitor.ReportAction);
        return routes;
    }

    /// <param name="weeks">The recent window in weeks (1 to 52); absent: the configured one (7 days).</param>
    internal static async Task<Ok<DriftReport>> ReportAsync(DriftMonitor monitor, HttpContext context, int? weeks, CancellationToken cancellationToken) =>
        TypedResults.Ok(await monitor.ReportAsync(context.Actor(), weeks, cancellationToken));
}
