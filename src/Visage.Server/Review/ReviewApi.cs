using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Server.Http;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Server.Review;

public sealed record ReviewCandidateView(Guid SubjectId, float Score);

/// <summary>A review item as the queue shows it: ids, codes and scores, never the probe image.</summary>
public sealed record ReviewItemView(
    Guid Id,
    string Kind,
    string Purpose,
    string Status,
    string Reason,
    string ModelVersion,
    Guid? ClaimedSubject,
    Guid? ProposedSubject,
    IReadOnlyList<ReviewCandidateView> Candidates,
    DateTimeOffset Created,
    string CreatedBy,
    DateTimeOffset? ProbeUntil,
    string? DecidedBy,
    DateTimeOffset? Decided,
    Guid? ChosenSubject,
    DateTimeOffset? Appealed,
    string? AppealBy,
    string? AppealOutcome)
{
    internal static ReviewItemView Of(ReviewItem item) => new(
        item.Id,
        item.Kind.ToCode(),
        item.Purpose.ToCode(),
        item.Status.ToCode(),
        item.Reason,
        item.ModelVersion,
        item.ClaimedSubject,
        item.Proposed,
        item.Candidates.Select(c => new ReviewCandidateView(c.SubjectId, c.Score)).ToList(),
        item.Created,
        item.CreatedBy,
        item.ProbeUntil,
        item.DecidedBy,
        item.Decided,
        item.ChosenSubject,
        item.Appealed,
        item.AppealBy,
        item.AppealOutcome);
}

/// <summary>One item opened for a decision: the item and its probe image (base64; null once retention has shredded it).</summary>
public sealed record ReviewItemShown(ReviewItemView Item, string? ProbeImage);

/// <summary><c>decision</c>: confirm (the proposal is right), choose (<c>subject</c>, another candidate, is) or reject (none is).</summary>
public sealed record ReviewDecisionRequest(string? Decision, Guid? Subject);

/// <summary><c>outcome</c>: upheld or overturned.</summary>
public sealed record ReviewAppealRequest(string? Outcome);

public sealed record OverrideRowView(string Key, int Decided, int Overridden, double OverrideRate, int Appealed)
{
    internal static OverrideRowView Of(OverrideRow row) => new(row.Key, row.Decided, row.Overridden, row.OverrideRate, row.Appealed);
}

public sealed record OverrideReportView(IReadOnlyList<OverrideRowView> ByReviewer, IReadOnlyList<OverrideRowView> ByModelVersion);

/// <summary>The review queue under <c>/api/v1/reviews</c>: list, show with the probe, decide, appeal, the override report.</summary>
internal static class ReviewApi
{
    public const string ListAction = "review.list";
    public const string ShowAction = "review.show";
    public const string DecideAction = "review.decide";
    public const string AppealAction = "review.appeal";

    /// <summary>The <c>status</c> value that lists every item, decided ones too.</summary>
    public const string AllStatuses = "all";

    public static IEndpointRouteBuilder MapReviewEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/reviews").WithTags("Review");
        api.MapGet("/", ListAsync).Declare(Permissions.ReviewRead, ListAction);
        // Decision counts per reviewer and model version: no subject, no score, no probe.
        api.MapGet("/report", ReportAsync).Declare(Permissions.ReviewReport, EndpointDeclarations.NotAudited);
        api.MapGet("/{id:guid}", ShowAsync).Declare(Permissions.ReviewRead, ShowAction);
        api.MapPost("/{id:guid}/decision", DecideAsync).Declare(Permissions.ReviewDecide, DecideAction);
        api.MapPost("/{id:guid}/appeal", AppealAsync).Declare(Permissions.ReviewAppeal, AppealAction);
        return routes;
    }

    /// <summary>Items in <paramref name="status"/> (open when not given; <c>all</c> for every one), oldest first. The list names subjects and scores, so reading it is recorded.</summary>
    internal static async Task<Ok<List<ReviewItemView>>> ListAsync(string? status, ReviewWorklist worklist, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        ReviewStatus? wanted = ReviewStatus.Open;
        if (string.Equals(status, AllStatuses, StringComparison.Ordinal))
        {
            wanted = null;
        }
        else if (status is not null)
        {
            if (!ReviewCodes.TryParse(status, out ReviewStatus parsed))
            {
                throw await AuditedBadInput.RefuseAsync(log, context, ListAction, "status is one of open, confirmed, reassigned, rejected or all.");
            }

            wanted = parsed;
        }

        var items = await ListRecordedAsync(worklist, log, context.Actor(), wanted, cancellationToken);
        return TypedResults.Ok(items.Select(ReviewItemView.Of).ToList());
    }

    /// <summary>Items in <paramref name="status"/> (every one when null), the reading recorded as the list's; the API and the reviewer's pages list alike.</summary>
    internal static async Task<IReadOnlyList<ReviewItem>> ListRecordedAsync(ReviewWorklist worklist, AuditLog log, AuditActor actor, ReviewStatus? status, CancellationToken cancellationToken)
    {
        var items = await worklist.ListAsync(status, cancellationToken);
        await AuditedOperation.RecordDoneAsync(log, actor, ListAction, Purposes.Operations, string.Create(CultureInfo.InvariantCulture, $"{items.Count} items, status {status?.ToCode() ?? AllStatuses}"));
        return items;
    }

    internal static async Task<Ok<ReviewItemShown>> ShowAsync(Guid id, ReviewWorklist worklist, HttpContext context, CancellationToken cancellationToken)
    {
        var (item, probe) = await worklist.ShowAsync(context.Actor(), id, cancellationToken);
        return TypedResults.Ok(new ReviewItemShown(ReviewItemView.Of(item), probe is null ? null : Convert.ToBase64String(probe)));
    }

    internal static async Task<Ok<ReviewItemView>> DecideAsync(Guid id, ReviewDecisionRequest request, ReviewWorklist worklist, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var decision = await DecisionAsync(request.Decision, log, context);
        var item = await worklist.DecideAsync(context.Actor(), id, decision, request.Subject, cancellationToken);
        return TypedResults.Ok(ReviewItemView.Of(item));
    }

    /// <summary>A decision's code (confirm, choose or reject), or an audited bad-input refusal; the API and the reviewer's page read it alike.</summary>
    internal static async Task<ReviewDecision> DecisionAsync(string? code, AuditLog log, HttpContext context) => code switch
    {
        "confirm" => ReviewDecision.Confirm,
        "choose" => ReviewDecision.ChooseOther,
        "reject" => ReviewDecision.Reject,
        _ => throw await AuditedBadInput.RefuseAsync(log, context, DecideAction, "decision is one of confirm, choose (with subject) or reject."),
    };

    internal static async Task<Ok<ReviewItemView>> AppealAsync(Guid id, ReviewAppealRequest request, ReviewWorklist worklist, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var overturned = await OverturnedAsync(request.Outcome, log, context);
        var item = await worklist.AppealAsync(context.Actor(), id, overturned, cancellationToken);
        return TypedResults.Ok(ReviewItemView.Of(item));
    }

    /// <summary>An appeal's outcome code: true when overturned, false when upheld, else an audited bad-input refusal.</summary>
    internal static async Task<bool> OverturnedAsync(string? outcome, AuditLog log, HttpContext context) => outcome switch
    {
        "upheld" => false,
        "overturned" => true,
        _ => throw await AuditedBadInput.RefuseAsync(log, context, AppealAction, "outcome is upheld or overturned."),
    };

    internal static async Task<Ok<OverrideReportView>> ReportAsync(ReviewWorklist worklist, CancellationToken cancellationToken)
    {
        var report = await worklist.OverrideReportAsync(cancellationToken);
        return TypedResults.Ok(new OverrideReportView(report.ByReviewer.Select(OverrideRowView.Of).ToList(), report.ByModelVersion.Select(OverrideRowView.Of).ToList()));
    }
}
