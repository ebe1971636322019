using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Visage.Audit;
using Visage.Deid.Text;
using Visage.Face;

namespace Visage.Deid;

public static class DeidServiceCollectionExtensions
{
    /// <summary>
    /// Registers de-identification (call <c>AddFaceEngine</c> and <c>AddAuditLog</c> too): the <see cref="DeidPipeline"/>, whose DICOM workers are
    /// this program started with <paramref name="worker"/>, <see cref="DeidOptions"/> bound from <paramref name="configurationSection"/>
    /// and validated at start, and the PHI screen every audit entry's reason passes through
    /// (<see cref="PhiAuditTextScreen"/>, picked up by the audit log).
    /// </summary>
    public static IServiceCollection AddDeidentification(this IServiceCollection services, DeidWorkerCommand worker, string configurationSection = "Deid")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(worker);
        services.AddOptions<DeidOptions>().BindConfiguration(configurationSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeidOptions>>(new DeidOptionsValidation(configurationSection)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditTextScreen, PhiAuditTextScreen>());
        services.TryAddSingleton(worker);
        services.TryAddSingleton(sp => new DeidPipeline(sp.GetRequiredService<FaceEngine>(), sp.GetRequiredService<DeidWorkerCommand>(), sp.GetRequiredService<AuditLog>()));
        return services;
    }
}
