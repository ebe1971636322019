using Visage.Deid.Dicom;
using Visage.Deid.Dicom.Pixels;
using Visage.Deid.Reports;
using Visage.Deid.Text;

namespace Visage.Deid.Tests.Dicom.Pixels;

/// <summary>
/// The three data-set files with burned-in text, each cleaned once, written with GDCM's ImageWriter to a temp file
/// and read back (cleaning runs OCR many times, so the tests share the result).
/// </summary>
public sealed class CleanedTextFiles : IDisposable
{
    public const string CtAnkle = "debian_octave-dicom/CT-MONO2-16-ankle.dcm";
    public const string Echo = "debian_octave-dicom/US-PAL-8-10x-echo.dcm";
    public const string TextGbr = "debian_python3-pydicom/test_files/GDCMJ2K_TextGBR.dcm";

    private readonly string folder = Directory.CreateTempSubdirectory("visage-pixels-").FullName;

    public CleanedTextFiles()
    {
        var cleaner = new DicomPixelCleaner(Ocr, null, PixelCleaningOptions.Default);
        foreach (var (name, modality) in new[] { (CtAnkle, "CT"), (Echo, "US"), (TextGbr, "OT") })
        {
            Files[name] = CleanedFile.Create(name, modality, cleaner, folder);
        }
    }

    internal static TesseractOcr Ocr { get; } = new();

    internal Dictionary<string, CleanedFile> Files { get; } = new(StringComparer.Ordinal);

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

internal sealed record CleanedFile(DicomPixelBuffer Original, string OriginalTransferSyntax, PixelStageResult Result, DicomPixelBuffer Output, string OutputTransferSyntax, string OutputPath)
{
    public static CleanedFile Create(string relativePath, string modality, DicomPixelCleaner cleaner, string folder)
    {
        var path = TestData.Path(["dicom", .. relativePath.Split('/')]);
        using var file = DicomImageFile.Open(path) ?? throw new InvalidOperationException("unreadable test file");
        var original = file.ReadPixels() ?? throw new InvalidOperationException("undecodable test file");
        var originalSyntax = file.TransferSyntaxUid;
        var result = file.Clean(cleaner, new DicomObjectInfo(modality, null, null, null, []), CancellationToken.None);
        var output = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".dcm");
        Assert.True(file.Save(output));
        using var reread = DicomImageFile.Open(output) ?? throw new InvalidOperationException("written file unreadable");
        return new CleanedFile(original, originalSyntax, result, reread.ReadPixels() ?? throw new InvalidOperationException("written file undecodable"), reread.TransferSyntaxUid, output);
    }

    /// <summary>True when (x, y) of <paramref name="frame"/> lies in a redacted box.</summary>
    public bool Redacted(int frame, int x, int y) => Result.Redactions.Any(r =>
        r.Frame == frame && x >= r.Left && x < r.Left + r.Width && y >= r.Top && y < r.Top + r.Height);
}
