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
    public static Option<int> BatchSizeOption(string description)
    {
        var option = new Option<int>("--batch-size") { Description = description, DefaultValueFactory = _ => 500 };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--batch-size must be at least 1.");
            }
        });
        return option;
    }
}
