using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Visage.Audit;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Endpoints;
using Visage.Workflows.ActiveLiveness;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Emergency;
using Visage.Workflows.Enrolment;
using Visage.Workflows.StepUp;

namespace Visage.Server.Recognition;

/// <summary>
/// Everything that takes a face, under <c>/api/v1</c>: the liveness challenge, enrolment, check-in, emergency
/// identification, step-up verification (and its lock), right-patient confirmation. Each face-taking route is two
/// endpoints, one for JSON with base64 images and one for multipart/form-data with file parts (the same names); routing
/// picks one by the request's content type, and any other is 415.
/// </summary>
internal static partial class RecognitionApi
{
    public const string LockReadAction = "verify.lock-read";

    public static IEndpointRouteBuilder MapRecognitionEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Recognition");
        api.MapPost("/liveness/challenges", IssueChallenge).Declare(Permissions.LivenessChallenge, EndpointDeclarations.NotAudited);
        MapFacePost(api, "/subjects/{id:guid}/enrolment", EnrolJsonAsync, EnrolFormAsync).Declare(Permissions.Enrol, FaceEnrolment.Action);
        MapFacePost(api, "/check-ins", CheckInJsonAsync, CheckInFormAsync).Declare(Permissions.CheckIn, PatientCheckIn.Action, Purposes.CheckIn);
        MapFacePost(api, "/emergency/identifications", IdentifyJsonAsync, IdentifyFormAsync).Declare(Permissions.EmergencyIdentify, EmergencyIdentification.Action, Purposes.EmergencyIdentification);
        MapFacePost(api, "/subjects/{id:guid}/verification", VerifyJsonAsync, VerifyFormAsync).Declare(Permissions.Verify, StepUpVerification.Action, Purposes.StepUp);
        api.MapGet("/subjects/{id:guid}/verification/lock", ReadLockAsync).Declare(Permissions.VerifyUnlock, LockReadAction, Purposes.StepUp);
        api.MapPost("/subjects/{id:guid}/verification/unlock", UnlockAsync).Declare(Permissions.VerifyUnlock, AccessAlerts.UnlockAction, Purposes.StepUp);
        MapFacePost(api, "/subjects/{id:guid}/right-patient", ConfirmPatientJsonAsync, ConfirmPatientFormAsync).Declare(Permissions.RightPatient, StepUpVerification.RightPatientAction, Purposes.StepUp);
        return routes;
    }

    /// <summary>A fresh single-use challenge: show its prompt, then send its nonce with the frames the camera took.</summary>
    internal static Created<LivenessChallenge> IssueChallenge(ActiveLivenessChecker liveness) => TypedResults.Created((string?)null, liveness.Issue());

    /// <summary>
    /// One face-taking route as its two endpoints. The JSON one is what the API document shows (its body schema); the
    /// form one takes the same names as file parts and text fields.
    /// </summary>
    private static FaceRoute MapFacePost(RouteGroupBuilder api, string pattern, Delegate json, Delegate form)
    {
        var byJson = api.MapPost(pattern, json)
            .WithDescription("JSON with base64 images; or multipart/form-data with the same names as file parts (image, images, livenessFrames) and text fields.");
        var byForm = api.MapPost(pattern, form)
            // The access gate checks a cookie session's CSRF token itself, and bearer credentials are not forgeable cross-site.
            .DisableAntiforgery()
            // Parts stay in memory: by default a part over 64 KB is buffered to a temporary file, and a face must not
            // reach the disk in clear. The body limit bounds what is held.
            .WithFormOptions(memoryBufferThreshold: (int)ServerServiceCollectionExtensions.MaxRequestBodyBytes)
            // A request without a content type would match both; the JSON endpoint takes it (and answers 415).
            .WithOrder(1)
            .ExcludeFromDescription();
        return new FaceRoute(byJson, byForm);
    }

    /// <summary>Both endpoints of a face-taking route: a convention (the declaration) applies to each.</summary>
    private sealed class FaceRoute(IEndpointConventionBuilder byJson, IEndpointConventionBuilder byForm) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            byJson.Add(convention);
            byForm.Add(convention);
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            byJson.Finally(finallyConvention);
            byForm.Finally(finallyConvention);
        }
    }
}
