using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Visage.Face;
using Visage.Storage;
using Visage.Workflows.ActiveLiveness;
using Visage.Workflows.CheckIn;
using Visage.Workflows.Consent;
using Visage.Workflows.Drift;
using Visage.Workflows.Emergency;
using Visage.Workflows.Enrolment;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;
using Visage.Workflows.Recognition;
using Visage.Workflows.Retention;
using Visage.Workflows.Review;
using Visage.Workflows.StepUp;

namespace Visage.Workflows;

public static class WorkflowServiceCollectionExtensions
{
    public const string ActiveLivenessSection = "ActiveLiveness";
    public const string DriftSection = "Drift";
    public const string RecognitionSection = "Recognition";
    public const string RetentionSection = "Retention";

    /// <summary>
    /// Registers the application services over the store, the audit log and the face engine (call <c>AddProtectedStore</c>,
    /// <c>AddAuditLog</c> and <c>AddFaceEngine</c> too): people, purposes, consent, enrolment, check-in, emergency
    /// identification, step-up verification, the review queue, retention and drift monitoring, with their options validated at start.
    /// </summary>
    /// <param name="longRunning">A long-running host (the server) runs retention and the weekly drift check on timers; the CLI runs them on request.</param>
    public static IServiceCollection AddWorkflows(this IServiceCollection services, bool longRunning = false)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ActiveLivenessOptions>().BindConfiguration(ActiveLivenessSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActiveLivenessOptions>>(new ActiveLivenessOptionsValidation(ActiveLivenessSection)));
        services.AddOptions<RecognitionOptions>().BindConfiguration(RecognitionSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecognitionOptions>>(new RecognitionOptionsValidation(RecognitionSection)));
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionSection)
            .Validate(o => o.InactiveTemplateMonths is >= 1 and <= 600, $"{RetentionSection}:InactiveTemplateMonths must be from 1 to 600 (default 24).")
            .Validate(o => o.Interval >= TimeSpan.FromMinutes(1) && o.Interval <= TimeSpan.FromDays(7), $"{RetentionSection}:Interval must be from 00:01:00 to 7.00:00:00 (default 01:00:00).")
            .ValidateOnStart();

        services.AddOptions<DriftOptions>().BindConfiguration(DriftSection).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton<PurposeRegistry>();
        services.TryAddSingleton<ConsentNotices>();
        services.TryAddSingleton<ActiveLivenessChecker>();
        services.TryAddSingleton<PersonRegistry>();
        services.TryAddSingleton<ConsentRegistry>();
        services.TryAddSingleton<CaptureInspector>();
        services.TryAddSingleton<ConsentedGallery>();
        services.TryAddSingleton<RecognitionScores>();
        services.TryAddSingleton<ReviewWorklist>();
        services.TryAddSingleton<FaceEnrolment>();
        services.TryAddSingleton<PatientCheckIn>();
        services.TryAddSingleton<EmergencyIdentification>();
        services.TryAddSingleton<StepUpVerification>();
        services.TryAddSingleton<RetentionRun>();
        services.TryAddSingleton<Evaluation.EvaluationRecords>();
        services.AddOptions<Models.PromotionGateOptions>().BindConfiguration("Models:Gates").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<Models.PromotionGateOptions>>(provider => new Models.PromotionGateOptionsValidation(provider.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(), "Models:Gates"));
        services.TryAddSingleton<Models.ModelRegistry>();
        services.AddOptions<Models.ModelApprovalOptions>().BindConfiguration("Models");
        services.TryAddSingleton<Models.ModelApproval>();
        services.TryAddSingleton<Models.ReenrolmentWorklist>();
        // The gallery holds only templates of the model that makes the probes.
        services.TryAddSingleton(sp => new GalleryModelScope(() => sp.GetRequiredService<FaceEngine>().EmbedderModel.ToString()));
        services.TryAddSingleton<DriftMonitor>();
        if (longRunning)
        {
            services.AddHostedService<RetentionService>();
            services.AddHostedService<DriftService>();
        }

        return services;
    }
}
