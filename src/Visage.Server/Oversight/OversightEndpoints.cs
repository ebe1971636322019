using Microsoft.AspNetCore.Routing;
using Visage.Server.Retention;
using Visage.Server.Review;

namespace Visage.Server.Oversight;

/// <summary>The oversight areas, mapped together: the review queue, retention, key status, the audit log and drift.</summary>
internal static class OversightEndpoints
{
    public static IEndpointRouteBuilder MapOversightEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapReviewEndpoints();
        routes.MapRetentionEndpoints();
        routes.MapKeysEndpoints();
        routes.MapAuditEndpoints();
        routes.MapDriftEndpoints();
        return routes;
    }
}
