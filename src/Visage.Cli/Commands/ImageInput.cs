using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Visage.Face;

namespace Visage.Cli.Commands;

/// <summary>Reads an image argument under the engine's size limit, before any model is loaded, so bad input fails fast.</summary>
internal static class ImageInput
{
    public static Task<byte[]> ReadAsync(IServiceProvider services, FileInfo file, CancellationToken cancellationToken) =>
        ImageFileReader.ReadAsync(file.FullName, services.GetRequiredService<IOptions<FaceEngineOptions>>().Value.MaxEncodedBytes, cancellationToken);
}
