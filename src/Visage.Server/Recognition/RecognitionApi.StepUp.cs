using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Http;
using Visage.Workflows.People;
using Visage.Workflows.StepUp;

namespace Visage.Server.Recognition;

/// <summary>Step-up verification: the face and the second factor the caller checked before asking (kind and whether it was valid).</summary>
public sealed record VerificationRequest(string? Image, SecondFactor? SecondFactor, string? LivenessNonce = null, IReadOnlyList<string>? LivenessFrames = null) : ICaptureBody;

/// <summary>Right-patient confirmation against the patient the order names; the order id travels in the body, never in the URL.</summary>
public sealed record RightPatientRequest(string? Image, string? OrderId, string? LivenessNonce = null, IReadOnlyList<string>? LivenessFrames = null) : ICaptureBody;

/// <summary>Whether face verification is locked for a person after repeated failures, until when, and the failures counted.</summary>
public sealed record VerificationLock(bool Locked, DateTimeOffset? LockedUntil, int Failures);

internal static partial class RecognitionApi
{
    public const string SecondFactorKindField = "secondFactorKind";
    public const string SecondFactorVerifiedField = "secondFactorVerified";
    public const string OrderIdField = "orderId";

    /// <summary>200 with verified true or false (a failure counts towards the lock); 403 locked-out or second-factor-missing.</summary>
    internal static async Task<Ok<StepUpResult>> VerifyJsonAsync(Guid id, VerificationRequest request, StepUpVerification verification, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var capture = await CaptureInput.ReadAuditedAsync(context, log, StepUpVerification.Action, Purposes.StepUp, id, () => Task.FromResult(CaptureInput.FromJson(request)));
        // No second factor given is the service's refusal (second-factor-missing, audited), not a malformed request.
        return TypedResults.Ok(await verification.VerifyAsync(context.Actor(), id, capture, request.SecondFactor ?? new SecondFactor(string.Empty, false), cancellationToken));
    }

    internal static async Task<Ok<StepUpResult>> VerifyFormAsync(Guid id, IFormCollection form, StepUpVerification verification, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var (capture, factor) = await CaptureInput.ReadAuditedAsync(context, log, StepUpVerification.Action, Purposes.StepUp, id, async () =>
            (await CaptureInput.FromFormAsync(form, cancellationToken), new SecondFactor(FormFields.Text(form, SecondFactorKindField) ?? string.Empty, FormFields.Flag(form, SecondFactorVerifiedField))));
        return TypedResults.Ok(await verification.VerifyAsync(context.Actor(), id, capture, factor, cancellationToken));
    }

    /// <summary>The lock state a security officer reads before clearing it (audited: it tells of failed verifications).</summary>
    internal static async Task<Ok<VerificationLock>> ReadLockAsync(Guid id, StepUpVerification verification, PersonRegistry people, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        await CaptureInput.ReadAuditedAsync(context, log, LockReadAction, Purposes.StepUp, id, async () =>
        {
            await people.RequireAsync(id, cancellationToken);
            return true;
        });
        var until = await verification.LockedUntilAsync(id, cancellationToken);
        var failures = await verification.FailuresAsync(id, cancellationToken);
        await AuditedOperation.RecordDoneAsync(log, context.Actor(), LockReadAction, Purposes.StepUp, string.Create(CultureInfo.InvariantCulture, $"{(until is null ? "not locked" : "locked")}; {failures} failures"), subject: id.ToString());
        return TypedResults.Ok(new VerificationLock(until is not null, until, failures));
    }

    /// <summary>Clears the lock and the failure count after the person's identity was checked another way; 400 not-locked when there is nothing to clear.</summary>
    internal static async Task<NoContent> UnlockAsync(Guid id, StepUpVerification verification, HttpContext context, CancellationToken cancellationToken)
    {
        await verification.ClearLockAsync(context.Actor(), id, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>200 confirmed, needs review (a review item) or not confirmed (check the wristband or ID before going on).</summary>
    internal static async Task<Ok<RightPatientResult>> ConfirmPatientJsonAsync(Guid id, RightPatientRequest request, StepUpVerification verification, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var capture = await CaptureInput.ReadAuditedAsync(context, log, StepUpVerification.RightPatientAction, Purposes.StepUp, id, () => Task.FromResult(CaptureInput.FromJson(request)));
        return TypedResults.Ok(await verification.ConfirmRightPatientAsync(context.Actor(), id, request.OrderId ?? string.Empty, capture, cancellationToken));
    }

    internal static async Task<Ok<RightPatientResult>> ConfirmPatientFormAsync(Guid id, IFormCollection form, StepUpVerification verification, AuditLog log, HttpContext context, CancellationToken cancellationToken)
    {
        var (capture, order) = await CaptureInput.ReadAuditedAsync(context, log, StepUpVerification.RightPatientAction, Purposes.StepUp, id, async () =>
            (await CaptureInput.FromFormAsync(form, cancellationToken), FormFields.Text(form, OrderIdField)));
        return TypedResults.Ok(await verification.ConfirmRightPatientAsync(context.Actor(), id, order ?? string.Empty, capture, cancellationToken));
    }
}
