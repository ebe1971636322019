namespace Visage.Face.Tests.Models;

public sealed class ModelStoreTests : IDisposable
{
    private readonly DirectoryInfo copy = Directory.CreateTempSubdirectory("visage-models-test-");

    public void Dispose() => copy.Delete(recursive: true);

    /// <summary>A private copy of the installed models, so tampering never touches the real ones.</summary>
    private ModelStore CopyOfInstalledModels()
    {
        var installed = EngineFixture.CreateStore();
        var store = EngineFixture.CreateStore(copy.FullName);
        foreach (var model in installed.Manifest.Models)
        {
            var target = store.PathOf(model);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(installed.PathOf(model), target);
        }

        return store;
    }

    [Fact]
    public void ReadVerified_InstalledModel_ReturnsBytesMatchingTheManifest()
    {
        var store = EngineFixture.CreateStore();

        var bytes = store.ReadVerified(ModelIds.Embedder);

        Assert.Equal(new FileInfo(store.PathOf(store.Manifest.Get(ModelIds.Embedder))).Length, bytes.Length);
        Assert.All(store.VerifyAll(), r => Assert.Null(r.Problem));
    }

    [Fact]
    public void ReadVerified_OneByteChanged_RefusedNamingBothHashes()
    {
        var store = CopyOfInstalledModels();
        var entry = store.Manifest.Get(ModelIds.Embedder);
        var path = store.PathOf(entry);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<ModelIntegrityException>(() => store.ReadVerified(ModelIds.Embedder));

        Assert.Contains(entry.Sha256, ex.Message, StringComparison.Ordinal);
        Assert.Contains("refusing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FaceEngine_TamperedDetector_RefusesToStart()
    {
        var store = CopyOfInstalledModels();
        File.AppendAllText(store.PathOf(store.Manifest.Get(ModelIds.FacepluginDetector)), "x");

        Assert.Throws<ModelIntegrityException>(() => new FaceEngine(new FaceEngineOptions(), store));
    }

    [Fact]
    public void ReadVerified_MissingFile_SaysHowToInstall()
    {
        var store = EngineFixture.CreateStore(copy.FullName);

        var ex = Assert.Throws<ModelIntegrityException>(() => store.ReadVerified(ModelIds.Liveness));

        Assert.Contains("visage models fetch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_UnknownModel_Refused()
    {
        Assert.Throws<ModelIntegrityException>(() => EngineFixture.CreateStore().Manifest.Get("not-a-model"));
    }

    [Fact]
    public void Manifest_EveryModel_NamesAListedPackageAndAFullHash()
    {
        var manifest = EngineFixture.CreateStore().Manifest;

        Assert.All(manifest.Models, m =>
        {
            Assert.Matches("^[0-9a-f]{64}$", m.Sha256);
            Assert.StartsWith("sha512-", manifest.PackageOf(m).Integrity, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(m.License));
            Assert.NotEmpty(m.Input.Shape);
        });
    }

    [Fact]
    public void VerifyIntegrity_TarballNotMatchingThePin_Refused()
    {
        var package = EngineFixture.CreateStore().Manifest.Packages[0];
        var fake = Path.Combine(copy.FullName, "fake.tgz");
        File.WriteAllText(fake, "not the package");

        Assert.Throws<ModelIntegrityException>(() => ModelPackageInstaller.VerifyIntegrity(package, fake));
    }
}
