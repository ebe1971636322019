using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Workflows.Retention;

namespace Visage.Server.Retention;

/// <summary>
/// What one run deleted. <see cref="Certificate"/> is the signed JSON exactly as signed and <see cref="Signature"/> its
/// ECDSA P-256 signature (base64), so an auditor can check it with the signing key's public half.
/// </summary>
public sealed record RetentionRunDone(Guid RunId, DateTimeOffset Issued, int ExpiredConsents, int UnconsentedSubjects, int ProbeImages, int InactiveSubjects, IReadOnlyList<Guid> DeletionCertificates, string Certificate, string Signature)
{
    internal static RetentionRunDone Of(RetentionReport report) => new(
        report.RunId, report.Issued, report.ExpiredConsents, report.UnconsentedSubjects, report.ProbeImages, report.InactiveSubjects, report.Certificates, report.Body, Convert.ToBase64String(report.Signature));
}

/// <summary>A stored run: its signed certificate (the JSON as signed) and whether the signature verifies under the signing key now.</summary>
public sealed record RetentionRunView(Guid RunId, DateTimeOffset Issued, bool SignatureValid, string Certificate);

/// <summary>Retention under <c>/api/v1/retention</c>: run the rules now, and the runs with their certificates checked.</summary>
internal static class RetentionApi
{
    public static IEndpointRouteBuilder MapRetentionEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/retention").WithTags("Retention");
        api.MapPost("/runs", RunAsync).Declare(Permissions.RetentionRun, RetentionRun.Action);
        api.MapGet("/runs", ListAsync).Declare(Permissions.RetentionRead, "retention.runs.read");
        return routes;
    }

    internal static async Task<Created<RetentionRunDone>> RunAsync(RetentionRun retention, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Created((string?)null, RetentionRunDone.Of(await retention.RunAsync(context.Actor(), cancellationToken)));

    internal static async Task<Ok<List<RetentionRunView>>> ListAsync(RetentionRun retention, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Ok((await retention.ListAsync(context.Actor(), cancellationToken)).Select(r => new RetentionRunView(r.RunId, r.Issued, r.Valid, r.Body)).ToList());
}
