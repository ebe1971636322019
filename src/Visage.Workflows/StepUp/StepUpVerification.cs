using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Gallery;
using Visage.Workflows.Consent;
using Visage.Workflows.Drift;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;
using Visage.Workflows.Review;

namespace Visage.Workflows.StepUp;

/// <summary>The second factor the caller checked before asking (a TOTP code, a badge tap, a PIN, an ID document); Visage records its kind.</summary>
public sealed record SecondFactor(string Kind, bool Verified);

public sealed record StepUpResult(bool Verified, float? Score, string ModelVersion);

public enum RightPatientOutcome
{
    Confirmed,
    NeedsReview,

    /// <summary>Not confirmed by face: check the wristband or ID before going on.</summary>
    NotConfirmed,
}

public sealed record RightPatientResult(RightPatientOutcome Outcome, float? Score, Guid? ReviewId, string ModelVersion);

/// <summary>
/// 1:1 checks of a known person. Step-up verification before a record opens: face plus a second factor, five
/// consecutive failures lock face verification for the person with a growing delay (the audit log's
/// <see cref="FaceVerificationLockout"/>, rebuilt from the chain, so a lock holds across processes and restarts); staff
/// can see and clear it, audited. Right-patient confirmation before a procedure, a blood draw or a medication: 1:1
/// against the patient the order names, audited with the order id.
/// </summary>
public sealed partial class StepUpVerification(
    CaptureInspector inspector,
    ConsentedGallery gallery,
    PersonRegistry people,
    ConsentRegistry consents,
    PurposeRegistry purposes,
    ReviewWorklist reviews,
    RecognitionScores scores,
    AccessAlerts alerts,
    AuditLog log,
    TimeProvider time,
    IOptions<RecognitionOptions> options) : IDisposable
{
    public const string Action = AccessAlerts.VerifyAction;
    public const string RightPatientAction = "right-patient";
    private const int Stripes = 64;

    // One verification per person at a time in this process: parallel attempts cannot all pass the lock check before
    // the first failure is recorded.
    private readonly SemaphoreSlim[] stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<StepUpResult> VerifyAsync(AuditActor actor, Guid personId, FaceCapture capture, SecondFactor secondFactor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(secondFactor);
        var stripe = stripes[(personId.GetHashCode() & int.MaxValue) % Stripes];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            return await VerifyOneAtATimeAsync(actor, personId, capture, secondFactor, cancellationToken);
        }
        finally
        {
            stripe.Release();
        }
    }

    public void Dispose()
    {
        foreach (var stripe in stripes)
        {
            stripe.Dispose();
        }
    }

    private async Task<StepUpResult> VerifyOneAtATimeAsync(AuditActor actor, Guid personId, FaceCapture capture, SecondFactor secondFactor, CancellationToken cancellationToken)
    {
        var subject = personId.ToString();
        var probe = await RefusalAudit.CheckAsync(log, actor, Action, Purposes.StepUp, subject, inspector.ModelVersion, async () =>
        {
            await purposes.RequireApprovedAsync(Purposes.StepUp, cancellationToken);
            await people.RequireAsync(personId, cancellationToken);
            if (await LockedUntilAsync(personId, cancellationToken) is { } until)
            {
                throw new WorkflowRefusedException(RefusalCodes.LockedOut, RefusalKind.NotPermitted, string.Create(CultureInfo.InvariantCulture, $"Face verification is locked for this person until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z after repeated failures; staff can clear the lock, or use another method."));
            }

            if (!secondFactor.Verified || !FactorKind().IsMatch(secondFactor.Kind ?? string.Empty))
            {
                throw new WorkflowRefusedException(RefusalCodes.SecondFactorMissing, RefusalKind.NotPermitted, "Step-up verification needs a second factor checked by the caller (totp, badge, pin, id-document) besides the face.");
            }

            await consents.EnsureCoversAsync(personId, Purposes.StepUp, cancellationToken);
            return await inspector.InspectAsync(capture, qualityGate: false, cancellationToken);
        });

        await using var operation = await AuditedOperation.BeginAsync(log, actor, Action, Purposes.StepUp, subject, probe.ModelVersion, $"second factor {secondFactor.Kind}", cancellationToken);
        var score = await gallery.VerifyAsync(probe.Embedding.Vector, personId, Purposes.StepUp, cancellationToken);
        var verified = score >= options.Value.StepUp.Accept;
        var reason = string.Create(CultureInfo.InvariantCulture, $"{(verified ? "match" : "no-match")}; score {score ?? -1f:0.000}; second factor {secondFactor.Kind}");
        await scores.RecordAsync(ScoreContext.StepUp, probe.ModelVersion, score, verified ? AutomaticOutcome.Accepted : AutomaticOutcome.Failed, cancellationToken);
        if (verified)
        {
            await people.TouchAsync(personId, cancellationToken);
            await operation.SucceededAsync(reason);
        }
        else
        {
            // The failure record is what the lockout counts.
            await operation.FailedAsync(reason);
        }

        return new StepUpResult(verified, score, probe.ModelVersion);
    }

    /// <summary>When the person's face verification lock ends, or null when it is not locked.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(Guid personId, CancellationToken cancellationToken = default)
    {
        // Opening the log replays the recent chain into the lockout: a lock set by another process or before a restart holds.
        await log.OpenAsync(cancellationToken);
        return alerts.Lockout.LockedUntil(personId.ToString(), time.GetUtcNow());
    }

    /// <summary>Consecutive failed verifications counted against the person.</summary>
    public async Task<int> FailuresAsync(Guid personId, CancellationToken cancellationToken = default)
    {
        await log.OpenAsync(cancellationToken);
        return alerts.Lockout.Failures(personId.ToString());
    }

    /// <summary>Staff clear a lock (after checking the person's identity another way); audited.</summary>
    public async Task ClearLockAsync(AuditActor actor, Guid personId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var subject = personId.ToString();
        await RefusalAudit.CheckAsync(log, actor, AccessAlerts.UnlockAction, Purposes.StepUp, subject, null, async () =>
        {
            await people.RequireAsync(personId, cancellationToken);
            return await FailuresAsync(personId, cancellationToken) > 0
                ? true
                : throw new WorkflowRefusedException(RefusalCodes.NotLocked, RefusalKind.BadInput, "Face verification is not locked for this person and no failures are counted.");
        });
        await AuditedOperation.RecordDoneAsync(log, actor, AccessAlerts.UnlockAction, Purposes.StepUp, "lock cleared by staff", subject: subject);
    }

    /// <summary>Right-patient confirmation: 1:1 against the patient the order names; the order id is recorded with it.</summary>
    /// <param name="orderId">The order's opaque id (letters, digits, . _ - /, at most 64).</param>
    public async Task<RightPatientResult> ConfirmRightPatientAsync(AuditActor actor, Guid patientId, string orderId, FaceCapture capture, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(capture);
        var subject = patientId.ToString();
        var probe = await RefusalAudit.CheckAsync(log, actor, RightPatientAction, Purposes.StepUp, subject, inspector.ModelVersion, async () =>
        {
            if (!OrderId().IsMatch(orderId ?? string.Empty))
            {
                throw new WorkflowRefusedException(RefusalCodes.BadInput, RefusalKind.BadInput, "An order id is 1 to 64 letters, digits or . _ - / (what was given is not shown).");
            }

            await purposes.RequireApprovedAsync(Purposes.StepUp, cancellationToken);
            await people.RequireAsync(patientId, cancellationToken);
            await consents.EnsureCoversAsync(patientId, Purposes.StepUp, cancellationToken);
            return await inspector.InspectAsync(capture, qualityGate: false, cancellationToken);
        });

        // The order id is an identifier in HIPAA's sense: the records carry its keyed digest, which the same id always gives.
        var order = "order #" + await people.DigestAsync("order", orderId, cancellationToken);
        await using var operation = await AuditedOperation.BeginAsync(log, actor, RightPatientAction, Purposes.StepUp, subject, probe.ModelVersion, order, cancellationToken);
        var thresholds = options.Value.RightPatient;
        var score = await gallery.VerifyAsync(probe.Embedding.Vector, patientId, Purposes.StepUp, cancellationToken);
        RightPatientResult result;
        if (score >= thresholds.Accept)
        {
            await scores.RecordAsync(ScoreContext.RightPatient, probe.ModelVersion, score, AutomaticOutcome.Accepted, cancellationToken);
            result = new RightPatientResult(RightPatientOutcome.Confirmed, score, null, probe.ModelVersion);
        }
        else if (score >= thresholds.Review)
        {
            var review = await reviews.OpenAsync(actor, ReviewKind.RightPatient, Purposes.StepUp, $"{order}; score in the review band", probe.ModelVersion, patientId, [new ReviewCandidate(patientId, score.Value)], capture.Image, cancellationToken);
            result = new RightPatientResult(RightPatientOutcome.NeedsReview, score, review, probe.ModelVersion);
        }
        else
        {
            await scores.RecordAsync(ScoreContext.RightPatient, probe.ModelVersion, score, AutomaticOutcome.Desk, cancellationToken);
            result = new RightPatientResult(RightPatientOutcome.NotConfirmed, score, null, probe.ModelVersion);
        }

        await operation.SucceededAsync(string.Create(CultureInfo.InvariantCulture, $"{order}; {result.Outcome.ToString().ToLowerInvariant()}; score {score ?? -1f:0.000}"));
        return result;
    }

    [GeneratedRegex("^(totp|badge|pin|id-document)$", RegexOptions.CultureInvariant)]
    private static partial Regex FactorKind();

    [GeneratedRegex(@"^[A-Za-z0-9._/-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex OrderId();
}
