using System.Diagnostics;
using System.Security.Cryptography;
using Visage.Deid.Batch;
using Visage.Deid.Dicom;
using Visage.Deid.Reports;
using Visage.Deid.Text;
using Visage.Face;

namespace Visage.Deid.Tests.Dicom;

/// <summary>One run of the DICOM de-identifier over every file of the shared DICOM test data (and a few broken inputs made here), shared by the tests.</summary>
public sealed class DicomCorpusFixture : IDisposable
{
    public DicomCorpusFixture()
    {
        WorkRoot = Directory.CreateTempSubdirectory("visage-dicom-deid-").FullName;
        var outputRoot = Path.Combine(WorkRoot, "out");
        var badRoot = Path.Combine(WorkRoot, "bad");
        Directory.CreateDirectory(outputRoot);
        Directory.CreateDirectory(badRoot);
        // A fixed key: with a random one, a shifted date (offset -1 to -3650 days) sometimes lands exactly on another
        // original date of the same file (rtplan.dcm: 20030903 - 49 days = its StudyDate), which the verifier rightly
        // flags and the batch quarantines; that would make "every output verifies" fail at random. Key-independent
        // behaviour is covered by DicomVerifierTests and DicomDateShiftTests with random keys.
        Key = new BatchKey([.. Enumerable.Range(1, BatchKey.KeyBytes).Select(i => (byte)(i * 37))]);
        // The pipeline `visage deid dicom` runs: attributes, then burned-in text and faces through the pixel cleaner.
        engine = new FaceEngine(new FaceEngineOptions(), ModelStore.OpenDefault(null));
        var deidentifier = DicomPipeline.Create(Key, Options, [], new TesseractOcr(), engine);

        InputRoot = TestData.Path("dicom");
        var inputs = Directory.EnumerateFiles(InputRoot, "*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p) is not ("INVENTORY.tsv" or "SOURCES.md"))
            .Order(StringComparer.Ordinal)
            .ToList();

        var watch = Stopwatch.StartNew();
        Results = [.. inputs.Select(input => Run(deidentifier, input, Path.GetRelativePath(InputRoot, input), outputRoot))];
        Elapsed = watch.Elapsed;

        // Broken inputs: the first 200 bytes of a real file, a text file, an empty file.
        var truncated = Path.Combine(badRoot, "truncated.dcm");
        File.WriteAllBytes(truncated, File.ReadAllBytes(TestData.Path("dicom", "debian_python3-pydicom", "test_files", "CT_small.dcm"))[..200]);
        var text = Path.Combine(badRoot, "notes.dcm");
        File.WriteAllText(text, "This is not a DICOM file, just some notes.\n");
        var empty = Path.Combine(badRoot, "empty.dcm");
        File.WriteAllBytes(empty, []);
        BadInputs = [.. new[] { truncated, text, empty }.Select(p => Run(deidentifier, p, Path.GetFileName(p), outputRoot))];

        outputDumps = new(() => Dcmdump.Read([.. Succeeded.Select(r => r.Output)]));
        originalDumps = new(() => Dcmdump.Read([.. Succeeded.Select(r => r.Input)]));
    }

    private readonly FaceEngine engine;
    private readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<DumpedElement>>> outputDumps;
    private readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<DumpedElement>>> originalDumps;

    /// <summary>dcmdump of every de-identified output, by output path (read once, shared by the tests).</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<DumpedElement>> OutputDumps => outputDumps.Value;

    /// <summary>dcmdump of every original that was de-identified, by input path.</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<DumpedElement>> OriginalDumps => originalDumps.Value;

    internal BatchKey Key { get; }

    internal DicomDeidOptions Options { get; } = new();

    public string WorkRoot { get; }

    public string InputRoot { get; }

    public TimeSpan Elapsed { get; }

    internal IReadOnlyList<CorpusResult> Results { get; }

    internal IReadOnlyList<CorpusResult> BadInputs { get; }

    internal IEnumerable<CorpusResult> Succeeded => Results.Where(r => r.Report.Status == DeidStatus.Deidentified);

    private CorpusResult Run(DicomDeidentifier deidentifier, string input, string relative, string outputRoot)
    {
        var before = Sha256(input);
        var output = Path.Combine(outputRoot, Key.Pseudonym("output-name", relative) + ".dcm");
        var report = deidentifier.Deidentify(input, relative, output, CancellationToken.None);
        return new CorpusResult(input, relative, output, report, before, Sha256(input));
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    public void Dispose()
    {
        engine.Dispose();
        Key.Dispose();
        Directory.Delete(WorkRoot, recursive: true);
    }
}

internal sealed record CorpusResult(string Input, string Relative, string Output, DeidFileReport Report, string ShaBefore, string ShaAfter);
