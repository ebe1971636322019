using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Visage.Face;

public static class FaceServiceCollectionExtensions
{
    /// <summary>Registers the face engine; options are validated when the host starts.</summary>
    public static IServiceCollection AddFaceEngine(this IServiceCollection services, string configurationSection)
    {
        services.AddOptions<FaceEngineOptions>().BindConfiguration(configurationSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FaceEngineOptions>>(new FaceOptionsValidation(configurationSection)));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<FaceEngineOptions>>().Value;
            var manifest = ModelManifest.Load(o.ManifestPath ?? ModelManifest.DefaultPath());
            return new ModelStore(manifest, o.ModelsDirectory ?? ModelStore.DefaultDirectory());
        });
        services.AddSingleton(sp => new FaceEngine(sp.GetRequiredService<IOptions<FaceEngineOptions>>().Value, sp.GetRequiredService<ModelStore>()));
        return services;
    }
}
