using System.Security.Cryptography;
using Visage.Deid.Photos;
using Visage.Deid.Reports;
using Visage.Deid.Text;
using Visage.Face;

namespace Visage.Deid.Tests.Photos;

/// <summary>One face engine and OCR shared by the photo tests, plus one de-identification run over the whole EXIF folder.</summary>
public sealed class PhotoEngineFixture : IDisposable
{
    private readonly Lazy<ExifFolderRun> exifRun;

    public PhotoEngineFixture()
    {
        Engine = new FaceEngine(new FaceEngineOptions(), ModelStore.OpenDefault(null));
        exifRun = new Lazy<ExifFolderRun>(() => ExifFolderRun.Run(Engine, Ocr));
    }

    public FaceEngine Engine { get; }

    public TesseractOcr Ocr { get; } = new();

    internal ExifFolderRun ExifRun => exifRun.Value;

    public void Dispose()
    {
        Engine.Dispose();
        if (exifRun.IsValueCreated)
        {
            exifRun.Value.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PhotoEngineCollection : ICollectionFixture<PhotoEngineFixture>
{
    public const string Name = "photo-engine";
}

/// <summary>One input of the EXIF folder run: its hashes before and after, and the report.</summary>
internal sealed record ExifFileResult(string InputPath, string RelativePath, string OutputPath, DeidFileReport Report, string HashBefore, string HashAfter);

/// <summary>Every file under the shared EXIF folder de-identified once (faces on, text off) into a temp folder.</summary>
internal sealed class ExifFolderRun : IDisposable
{
    private ExifFolderRun(string outputDirectory, IReadOnlyList<ExifFileResult> files, TimeSpan elapsed)
    {
        OutputDirectory = outputDirectory;
        Files = files;
        Elapsed = elapsed;
    }

    public string OutputDirectory { get; }

    public IReadOnlyList<ExifFileResult> Files { get; }

    public TimeSpan Elapsed { get; }

    public static ExifFolderRun Run(FaceEngine engine, TesseractOcr ocr)
    {
        var root = TestData.Path("exif");
        var output = Directory.CreateTempSubdirectory("visage-photo-deid-").FullName;
        var deidentifier = new PhotoDeidentifier(engine, ocr, new PhotoDeidOptions { RedactFaces = true, RedactText = false });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var results = new List<ExifFileResult>();
        var index = 0;
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path);
            var before = Hash(path);
            var outputPath = Path.Combine(output, $"{index++:D3}{deidentifier.OutputExtension(path)}");
            var report = deidentifier.Deidentify(path, relative, outputPath, CancellationToken.None);
            results.Add(new ExifFileResult(path, relative, outputPath, report, before, Hash(path)));
        }

        return new ExifFolderRun(output, results, started.Elapsed);
    }

    public void Dispose() => Directory.Delete(OutputDirectory, recursive: true);

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
