using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Visage.Workflows.ActiveLiveness;
using Visage.Workflows.Consent;
using Visage.Workflows.PurposeApprovals;

namespace Visage.Workflows;

public static class WorkflowServiceCollectionExtensions
{
    public const string ActiveLivenessSection = "ActiveLiveness";

    /// <summary>
    /// Registers the application services over the store and the audit log (call <c>AddProtectedStore</c> and
    /// <c>AddAuditLog</c>, and <c>AddFaceEngine</c>, too): so far the <see cref="PurposeRegistry"/>, the
    /// <see cref="ConsentNotices"/> and the <see cref="ActiveLivenessChecker"/>.
    /// </summary>
    public static IServiceCollection AddWorkflows(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PurposeRegistry>();
        services.TryAddSingleton<ConsentNotices>();
        services.AddOptions<ActiveLivenessOptions>().BindConfiguration(ActiveLivenessSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActiveLivenessOptions>>(new ActiveLivenessOptionsValidation(ActiveLivenessSection)));
        services.TryAddSingleton<ActiveLivenessChecker>();
        return services;
    }
}
