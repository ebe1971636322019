using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Visage.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the protected store: <see cref="StorageOptions"/> bound from <paramref name="configurationSection"/> and
    /// validated when the host starts (each problem naming its setting), the one <see cref="ProtectedStoreLifetime"/>,
    /// and a hosted service that opens it at start and, with <paramref name="loadGalleryAtStart"/> (a process that serves
    /// recognition), loads the gallery.
    /// </summary>
    public static IServiceCollection AddProtectedStore(this IServiceCollection services, string configurationSection = "Storage", bool loadGalleryAtStart = false)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<StorageOptions>().BindConfiguration(configurationSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>>(new StorageOptionsValidation(configurationSection)));
        services.TryAddSingleton<ProtectedStoreLifetime>();
        services.AddSingleton(new StoreStartupMode(loadGalleryAtStart));
        services.AddHostedService<ProtectedStoreStartup>();
        return services;
    }
}
