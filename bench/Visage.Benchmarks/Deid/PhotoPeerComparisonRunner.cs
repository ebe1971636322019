using System.Diagnostics;
using System.Globalization;
using Visage.Deid.Batch;
using Visage.Deid.Photos;
using Visage.Deid.Text;
using Visage.Face;

namespace Visage.Benchmarks.Deid;

/// <summary>
/// <c>deid-photo-peers [--data DIR] [--workers N]</c>: removes the metadata of every photo listed in
/// exif/METADATA.tsv with <c>exiftool -all=</c>, <c>jpegtran -copy none</c> and ours (metadata only, and with faces
/// and PHI text redacted), each into its own temp folder, and reports throughput, the recorded identifying values
/// left in the output's bytes and the metadata directories MetadataExtractor still finds. Writes
/// <c>artifacts/bench/deid-photo-peers.md</c>.
/// </summary>
internal static class PhotoPeerComparisonRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = PeerInputs.DataFolder(PeerInputs.Option(args, "--data"), "exif", "METADATA.tsv");
        // One worker by default: exiftool and jpegtran are single-threaded, so ours gets no head start.
        var workers = int.Parse(PeerInputs.Option(args, "--workers") ?? "1", CultureInfo.InvariantCulture);
        var inventory = PhotoPeerInventory.Load(root);
        var scratch = Directory.CreateTempSubdirectory("visage-deid-photo-peers-");
        try
        {
            var staged = Path.Combine(scratch.FullName, "in");
            PeerInputs.Stage(root, inventory.Files.Select(f => f.RelativePath), staged);

            var runs = new List<PhotoPeerRun>
            {
                await RunBatchAsync("baseline: unmodified copy", "no de-identification; calibrates the residue check", inventory.Files, staged, scratch.FullName, "copy", () => new PassThroughDeidentifier(), workers),
                RunExiftool(inventory.Files, staged, scratch.FullName),
                RunJpegtran(inventory.Files, staged, scratch.FullName),
            };

            using (var engine = new FaceEngine(new FaceEngineOptions(), ModelStore.OpenDefault(null)))
            {
                var ocr = new TesseractOcr();
                runs.Add(await RunBatchAsync(
                    "Visage (ours): metadata only", $"PhotoDeidentifier, faces and text not redacted; DeidBatch, {workers} worker(s)", inventory.Files, staged, scratch.FullName, "ours-metadata",
                    () => new PhotoDeidentifier(engine, ocr, new PhotoDeidOptions { RedactFaces = false, RedactText = false }), workers));
                runs.Add(await RunBatchAsync(
                    "Visage (ours): full", $"PhotoDeidentifier, faces and PHI text (tesseract) redacted; DeidBatch, {workers} worker(s)", inventory.Files, staged, scratch.FullName, "ours-full",
                    () => new PhotoDeidentifier(engine, ocr, new PhotoDeidOptions { RedactFaces = true, RedactText = true }), workers));
            }

            var lines = PhotoPeerReport.Render(inventory, runs, workers);
            Console.WriteLine();
            lines.ForEach(Console.WriteLine);
            Directory.CreateDirectory("artifacts/bench");
            await File.WriteAllLinesAsync("artifacts/bench/deid-photo-peers.md", lines);
            return 0;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static async Task<PhotoPeerRun> RunBatchAsync(
        string name, string mode, IReadOnlyList<PhotoPeerFile> files, string staged, string scratch, string folder, Func<IFileDeidentifier> create, int workers)
    {
        var (elapsed, outputs) = await PeerInputs.RunBatchAsync(name, staged, Path.Combine(scratch, folder), _ => create(), workers);
        return new PhotoPeerRun(name, mode, elapsed, files, outputs);
    }

    private static PhotoPeerRun RunExiftool(IReadOnlyList<PhotoPeerFile> files, string staged, string scratch)
    {
        if (Missing("exiftool", "-ver", "libimage-exiftool-perl") is { } missing)
        {
            return missing;
        }

        Console.WriteLine("exiftool ...");
        var output = Path.Combine(scratch, "exiftool");
        // Batch mode: one process recurses over the staged copies and writes each to the same relative path.
        var clock = Stopwatch.StartNew();
        ExternalTool.Run("exiftool", ["-q", "-q", "-r", "-all=", "-o", output + "/%d%f.%e", "."], staged);
        clock.Stop();
        return new PhotoPeerRun(
            "exiftool " + ExternalTool.Version("exiftool", "-ver"),
            "-all= (every writable tag and block), -o copies; one process, -r over all files",
            clock.Elapsed,
            files,
            Existing(files, output));
    }

    private static PhotoPeerRun RunJpegtran(IReadOnlyList<PhotoPeerFile> files, string staged, string scratch)
    {
        if (Missing("jpegtran", "-version", "libjpeg-turbo-progs") is { } missing)
        {
            return missing;
        }

        Console.WriteLine("jpegtran ...");
        var output = Path.Combine(scratch, "jpegtran");
        var jpegs = files.Where(f => f.IsJpeg).ToList();
        foreach (var file in jpegs)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(output, file.RelativePath))!);
        }

        // jpegtran has no batch mode: one process per file, as a script would run it.
        var clock = Stopwatch.StartNew();
        foreach (var file in jpegs)
        {
            var target = Path.Combine(output, file.RelativePath);
            // Exit code 2 is a warning (e.g. extraneous bytes) with a complete output; 1 is a failure.
            if (ExternalTool.Run("jpegtran", ["-copy", "none", "-outfile", target, Path.Combine(staged, file.RelativePath)]).ExitCode == 1)
            {
                File.Delete(target);
            }
        }

        clock.Stop();
        return new PhotoPeerRun(
            ExternalTool.Version("jpegtran", "-version"),
            $"-copy none (lossless, no APPn or COM markers kept); one process per file; JPEG only, so the {files.Count - jpegs.Count} other files are not given to it",
            clock.Elapsed,
            jpegs,
            Existing(jpegs, output));
    }

    /// <summary>A row that names the Debian package to install when the tool is not on the PATH; null when it is.</summary>
    private static PhotoPeerRun? Missing(string tool, string versionArgument, string debianPackage)
    {
        if (!ExternalTool.Version(tool, versionArgument).EndsWith("(not installed)", StringComparison.Ordinal))
        {
            return null;
        }

        var message = $"not installed: {tool} comes from the Debian package {debianPackage} (apt-get install {debianPackage})";
        Console.Error.WriteLine(message);
        return new PhotoPeerRun(tool, message, TimeSpan.Zero, [], new Dictionary<string, string>(StringComparer.Ordinal), Installed: false);
    }

    private static Dictionary<string, string> Existing(IReadOnlyList<PhotoPeerFile> files, string output) =>
        files
            .Select(f => (f.RelativePath, Path: Path.Combine(output, f.RelativePath)))
            .Where(f => File.Exists(f.Path))
            .ToDictionary(f => f.RelativePath, f => f.Path, StringComparer.Ordinal);


}

/// <summary>One tool's run: the files it was given, how long it took and the output written for each input.</summary>
internal sealed record PhotoPeerRun(
    string Name, string Mode, TimeSpan Elapsed, IReadOnlyList<PhotoPeerFile> Given, IReadOnlyDictionary<string, string> Outputs, bool Installed = true);
