using Visage.Server.Tests;

namespace Visage.Server.EndToEndTests.Browser;

/// <summary>A test class's own server, with its own data directory, started before its tests and removed after them.</summary>
public abstract class OwnServer : IAsyncLifetime
{
    protected DirectoryInfo Root { get; } = Directory.CreateTempSubdirectory("visage-e2e-");

    internal ServerHarness Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await StartAsync();

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Root.Delete(recursive: true);
    }

    /// <summary>The server as the class needs it; by default as a host composes it, with no settings of its own.</summary>
    internal virtual Task<ServerHarness> StartAsync() => ServerHarness.StartAsync(Path.Combine(Root.FullName, "data"));
}
