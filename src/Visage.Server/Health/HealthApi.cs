using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Visage.Audit;
using Visage.Face;
using Visage.Server.Endpoints;
using Visage.Storage;

namespace Visage.Server.Health;

/// <summary>Liveness and readiness for a load balancer or an orchestrator: component names and states only, never data or error text.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        var health = routes.MapGroup("/health");
        health.MapGet("/live", Live).AnonymousByDesign("a liveness probe: says only that the process answers");
        health.MapGet("/ready", ReadyAsync).AnonymousByDesign("a readiness probe: component states only, no data");
        return routes;
    }

    internal static Ok<HealthReport> Live() => TypedResults.Ok(new HealthReport("live", new Dictionary<string, string>()));

    internal static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> ReadyAsync(
        ProtectedStoreLifetime store, AuditLog audit, IServiceProvider services, CancellationToken cancellationToken)
    {
        var checks = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["database"] = await StateAsync(() => store.OpenAsync(cancellationToken)),
            ["keys"] = await StateAsync(async () => (await store.OpenAsync(cancellationToken)).Keys.CurrentVersion),
            ["models"] = await StateAsync(() => Task.FromResult(services.GetService(typeof(FaceEngine)) ?? throw new InvalidOperationException())),
            ["audit"] = await StateAsync(() => audit.OpenAsync(cancellationToken)),
        };
        var report = new HealthReport(checks.Values.All(s => s == "ok") ? "ready" : "not-ready", checks);
        return report.Status == "ready" ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<string> StateAsync<T>(Func<Task<T>> probe)
    {
        try
        {
            await probe();
            return "ok";
        }
#pragma warning disable CA1031 // A probe reports a state; the cause stays in the server's private log, never in the response.
        catch (Exception)
#pragma warning restore CA1031
        {
            return "failing";
        }
    }
}

/// <summary>A health answer: an overall status and one state per component.</summary>
public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks);
