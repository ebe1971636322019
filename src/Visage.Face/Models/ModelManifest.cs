using System.Text.Json;
using System.Text.Json.Serialization;

namespace Visage.Face;

/// <summary>The committed description of every model Visage may load (<c>models/manifest.json</c>).</summary>
public sealed record ModelManifest(
    int Schema,
    IReadOnlyList<ModelPackage> Packages,
    IReadOnlyList<ModelEntry> Models)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public ModelEntry Get(string id) =>
        Models.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal))
        ?? throw new ModelIntegrityException($"Model '{id}' is not described in the model manifest.");

    public ModelPackage PackageOf(ModelEntry model) =>
        Packages.FirstOrDefault(p => string.Equals($"{p.Name}@{p.Version}", model.Package, StringComparison.Ordinal))
        ?? throw new ModelIntegrityException($"Model '{model.Id}' names package '{model.Package}', which the manifest does not list.");

    /// <summary>The manifest copied beside the binaries, else the repository's <c>models/manifest.json</c> above them.</summary>
    public static string DefaultPath()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "models", "manifest.json");
        if (File.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "manifest.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return beside;
    }

    public static ModelManifest Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelIntegrityException($"Model manifest not found at '{path}'. Set Face:ManifestPath or run from the repository.");
        }

        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(ReadCapped(path), JsonOptions);
        }
        catch (JsonException)
        {
            throw new ModelIntegrityException($"Model manifest '{path}' is not a valid manifest (malformed JSON). Restore it from the repository.");
        }

        if (manifest is null)
        {
            throw new ModelIntegrityException($"Model manifest '{path}' is empty.");
        }

        if (manifest.Schema != 1 || manifest.Models is null || manifest.Packages is null)
        {
            throw new ModelIntegrityException($"Model manifest '{path}' has an unsupported schema ({manifest.Schema}).");
        }

        return manifest;
    }

    /// <summary>A manifest is a few kilobytes; a device or a huge file in its place is refused, not read whole.</summary>
    private static byte[] ReadCapped(string path)
    {
        const int limit = 1024 * 1024;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[limit + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return total > limit
            ? throw new ModelIntegrityException($"Model manifest '{path}' is larger than {limit} bytes, so not a manifest.")
            : buffer[..total];
    }
}

public sealed record ModelPackage(string Name, string Version, string Registry, string Integrity, string License);

public sealed record ModelEntry(
    string Id,
    string Version,
    string Role,
    string Package,
    string File,
    string Sha256,
    ModelInputSpec Input,
    string Output,
    string License)
{
    /// <summary>The version id carried by every result: model id, version and the start of the file hash.</summary>
    [JsonIgnore]
    public ModelVersion VersionId => new(Id, Version, Sha256[..12]);
}

public sealed record ModelInputSpec(
    string Name,
    IReadOnlyList<int> Shape,
    string Layout,
    string ColorOrder,
    string Normalization,
    string Resize);

/// <summary>Identifies exactly which model produced a result (written to the audit log).</summary>
public sealed record ModelVersion(string Id, string Version, string Sha256Prefix)
{
    public override string ToString() => $"{Id}@{Version}#{Sha256Prefix}";
}
