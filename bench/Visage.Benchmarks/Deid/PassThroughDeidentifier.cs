using Visage.Deid.Batch;
using Visage.Deid.Reports;

namespace Visage.Benchmarks.Deid;

/// <summary>
/// Copies each file unchanged: the baseline row that shows the residue check finds every value when nothing is
/// removed, and what the batch runner itself costs.
/// </summary>
internal sealed class PassThroughDeidentifier : IFileDeidentifier
{
    public string OutputExtension(string inputPath) => ".dcm";

    public DeidFileReport Deidentify(string inputPath, string relativePath, string outputPath, CancellationToken cancellationToken)
    {
        File.Copy(inputPath, outputPath, overwrite: true);
        return new DeidFileReport(relativePath, null, DeidStatus.Deidentified, null, [], [], [], []);
    }
}
