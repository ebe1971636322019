namespace Visage.Face.Tests;

/// <summary>One engine over the installed, verified models, shared by the tests that need inference.</summary>
public sealed class EngineFixture : IDisposable
{
    public EngineFixture()
    {
        Store = CreateStore();
        Engine = new FaceEngine(new FaceEngineOptions(), Store);
    }

    public ModelStore Store { get; }

    public FaceEngine Engine { get; }

    internal static ModelStore CreateStore(string? directory = null) => ModelStore.OpenDefault(directory);

    public void Dispose() => Engine.Dispose();
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "engine";
}
