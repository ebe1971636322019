using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Visage.Audit;
using Visage.Deid.Text;

namespace Visage.Deid;

public static class DeidServiceCollectionExtensions
{
    /// <summary>
    /// Registers de-identification: the PHI screen every audit entry's reason passes through (<see cref="PhiAuditTextScreen"/>,
    /// picked up by the audit log).
    /// </summary>
    public static IServiceCollection AddDeidentification(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditTextScreen, PhiAuditTextScreen>());
        return services;
    }
}
