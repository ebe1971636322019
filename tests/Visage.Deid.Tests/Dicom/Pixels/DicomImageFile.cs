using Visage.Deid.Dicom;
using Visage.Deid.Dicom.Pixels;
using Visage.Deid.Reports;

namespace Visage.Deid.Tests.Dicom.Pixels;

/// <summary>
/// A DICOM image read by GDCM's <c>ImageReader</c>, with the reader kept alive because it owns the image: the tests'
/// way to clean, verify, read and save a file.
/// </summary>
internal sealed class DicomImageFile : IDisposable
{
    static DicomImageFile()
    {
        gdcm.Trace.WarningOff();
        gdcm.Trace.ErrorOff();
        gdcm.Trace.DebugOff();
    }

    private readonly gdcm.ImageReader reader;

    private DicomImageFile(gdcm.ImageReader reader)
    {
        this.reader = reader;
        Image = reader.GetImage();
    }

    internal gdcm.Image Image { get; }

    public string TransferSyntaxUid => Image.GetTransferSyntax().GetString()?.Trim('\0', ' ') ?? string.Empty;

    public string PhotometricInterpretation => Image.GetPhotometricInterpretation().GetString()?.Trim() ?? string.Empty;

    /// <summary>Reads the file; null when GDCM cannot read it as an image.</summary>
    public static DicomImageFile? Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var reader = new gdcm.ImageReader();
        reader.SetFileName(path);
        if (!reader.Read())
        {
            reader.Dispose();
            return null;
        }

        return new DicomImageFile(reader);
    }

    public PixelStageResult Clean(DicomPixelCleaner cleaner, DicomObjectInfo info, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cleaner);
        return cleaner.Clean(Image, info, ct);
    }

    public IReadOnlyList<VerificationFinding> Verify(PixelTextVerifier verifier, IReadOnlyList<string>? knownIdentifyingValues, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        return verifier.Verify(Image, knownIdentifyingValues, ct);
    }

    /// <summary>The decoded pixel data as it is now; null when it cannot be decoded.</summary>
    public DicomPixelBuffer? ReadPixels() => DicomPixelBuffer.Read(Image);

    /// <summary>Writes the file (dataset and current image) with GDCM's <c>ImageWriter</c>.</summary>
    public bool Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var writer = new gdcm.ImageWriter();
        writer.SetImage(Image);
        writer.SetFile(reader.GetFile());
        writer.SetFileName(path);
        return writer.Write();
    }

    public void Dispose() => reader.Dispose();
}
