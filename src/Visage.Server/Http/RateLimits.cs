using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Visage.Server.Access;
using Visage.Server.Hosting;

namespace Visage.Server.Http;

/// <summary>
/// The built-in limiter, partitioned per API key (a kiosk behind a NAT shares an address with others) or else per client
/// address; sign-in and set-up have their own, much lower, limit per address. A refusal is a 429 problem with Retry-After.
/// </summary>
internal static class RateLimits
{
    public static PartitionedRateLimiter<HttpContext> PerClient() =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<ServerOptions>>().Value;
            var caller = context.Caller();
            var partition = caller?.Credential == CredentialKind.ApiKey ? "key:" + caller.Id : "address:" + context.Connection.RemoteIpAddress;
            return RateLimitPartition.GetFixedWindowLimiter(partition, _ => Window(options.RequestsPerMinute));
        });

    public static RateLimitPartition<string> SignIns(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            // Opening the sign-in or set-up page tries nothing; only what is posted counts.
            return RateLimitPartition.GetNoLimiter("sign-in-page");
        }

        var options = context.RequestServices.GetRequiredService<IOptions<ServerOptions>>().Value;
        return RateLimitPartition.GetFixedWindowLimiter("sign-in:" + context.Connection.RemoteIpAddress, _ => Window(options.SignInsPerMinute));
    }

    public static ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
        {
            rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return new ValueTask(ProblemWriter.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests from this client; slow down and retry after the time given."));
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };
}
