using System.Security.Cryptography;

namespace Visage.Face;

/// <summary>Finds model files in the models directory and refuses any whose SHA-256 differs from the manifest.</summary>
public sealed class ModelStore
{
    public ModelStore(ModelManifest manifest, string directory)
    {
        Manifest = manifest;
        Directory = directory;
    }

    public ModelManifest Manifest { get; }

    public string Directory { get; }

    /// <summary>Default models directory: <c>$XDG_CACHE_HOME/visage/models</c> or <c>~/.cache/visage/models</c>.</summary>
    public static string DefaultDirectory()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(cache))
        {
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        }

        return Path.Combine(cache, "visage", "models");
    }

    /// <summary>The committed manifest and the given (or default) models directory.</summary>
    public static ModelStore OpenDefault(string? directory = null) =>
        new(ModelManifest.Load(ModelManifest.DefaultPath()), directory ?? DefaultDirectory());

    public string PathOf(ModelEntry model) => Path.Combine(Directory, model.Package, model.File);

    /// <summary>Reads a model file and checks its hash; the bytes returned are the ones verified.</summary>
    public byte[] ReadVerified(string modelId)
    {
        var model = Manifest.Get(modelId);
        var path = PathOf(model);
        if (!File.Exists(path))
        {
            throw new ModelIntegrityException(
                $"Model '{model.Id}' is not installed (expected {path}). Run 'scripts/setup' or 'visage models fetch'.");
        }

        var bytes = File.ReadAllBytes(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, model.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelIntegrityException(
                $"Model '{model.Id}' at {path} has SHA-256 {actual}, but the manifest pins {model.Sha256}. " +
                "The file was altered or replaced; refusing to load it. Run 'visage models fetch' to restore it.");
        }

        return bytes;
    }

    /// <summary>Checks every installed model without loading it; returns one line per model.</summary>
    public IReadOnlyList<(ModelEntry Model, string? Problem)> VerifyAll()
    {
        var results = new List<(ModelEntry, string?)>();
        foreach (var model in Manifest.Models)
        {
            try
            {
                _ = ReadVerified(model.Id);
                results.Add((model, null));
            }
            catch (ModelIntegrityException ex)
            {
                results.Add((model, ex.Message));
            }
        }

        return results;
    }
}
