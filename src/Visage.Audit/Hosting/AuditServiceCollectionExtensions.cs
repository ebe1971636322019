using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Visage.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// Registers the audit log on the protected store (call <c>AddProtectedStore</c> too): <see cref="AuditChainOptions"/>
    /// bound from <paramref name="configurationSection"/> and validated at start, the one <see cref="AuditLog"/>, the audited
    /// operations on protected data (<see cref="AuditedSubjects"/>, <see cref="AuditedKeyMaintenance"/>,
    /// <see cref="AuditedDisclosures"/>), and a hosted service that opens the chain at start. An <see cref="IAuditTextScreen"/> registered by another library
    /// (de-identification's PHI screen) screens every entry's reason.
    /// </summary>
    public static IServiceCollection AddAuditLog(this IServiceCollection services, string configurationSection = "Audit")
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AuditChainOptions>().BindConfiguration(configurationSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditChainOptions>>(new AuditOptionsValidation(configurationSection)));
        services.AddOptions<AlertOptions>().BindConfiguration($"{configurationSection}:Alerts")
            .Validate(AlertOptionsHold, $"{configurationSection}:Alerts: a setting is out of range (MassAccessSubjects and FailedVerificationLimit at least 1, windows and lockouts above zero, LockoutMax at least LockoutBase, RestoreWindow at least both, opening and closing times different, a known ClinicTimeZone).")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new AccessAlerts(sp.GetRequiredService<IOptions<AlertOptions>>().Value));
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<AuditedSubjects>();
        services.TryAddSingleton<AuditedKeyMaintenance>();
        services.TryAddSingleton<AuditedDisclosures>();
        services.AddHostedService<AuditLogStartup>();
        return services;
    }

    private static bool AlertOptionsHold(AlertOptions options)
    {
        try
        {
            options.Validate();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
