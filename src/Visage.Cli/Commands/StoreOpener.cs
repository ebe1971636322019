using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Visage.Storage;

namespace Visage.Cli.Commands;

/// <summary>Opens the protected store the way the server does: migrate, open the key provider, check the keys.</summary>
internal static class StoreOpener
{
    public static Task<ProtectedStore> OpenAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        ProtectedStore.OpenAsync(services.GetRequiredService<IOptions<StorageOptions>>().Value, cancellationToken);

    /// <summary><c>--batch-size</c> for the batched, resumable store commands (one transaction per batch).</summary>
    public static Option<int> BatchSizeOption(string description) => IntegerOption.Create("--batch-size", description, 500, 1, 100_000);
}
