using Visage.Deid.Reports;

namespace Visage.Deid.Batch;

/// <summary>
/// De-identifies one file of one kind (photos, DICOM). Never modifies the input; writes the result only to
/// <paramref name="outputPath"/> (a temp path the batch renames into place after success), and reports every
/// failure as a <see cref="DeidStatus.Failed"/> report instead of throwing, so one bad file never stops a batch.
/// </summary>
public interface IFileDeidentifier
{
    /// <summary>The extension (with dot) for this input's output file, e.g. ".dcm" or ".jpg".</summary>
    string OutputExtension(string inputPath);

    DeidFileReport Deidentify(string inputPath, string relativePath, string outputPath, CancellationToken cancellationToken);
}
