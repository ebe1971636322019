using System.Collections.Concurrent;
using Visage.Deid.Batch;
using Visage.Deid.Reports;

namespace Visage.Deid.Tests.Batch;

/// <summary>
/// Test double standing in for the real photo and DICOM de-identifiers (which have their own tests), to exercise
/// the batch runner's mechanics: it copies a file, fails one whose content starts with "BAD", throws on "THROW",
/// asks for review on "REVIEW", claims success without output on "NOOUT", and on "BLOCK" (when <see cref="CancelOnBlock"/> is set) cancels the batch and
/// waits for the cancellation to reach it. It always writes something first, so half-written output can be seen,
/// and it replaces the file it was given with a new one (as GDCM's fallback writer does), so the batch, not the
/// writer, has to make the output private.
/// </summary>
internal sealed class CopyingDeidentifier : IFileDeidentifier
{
    public const string SecretInMessage = "Doe^Jane-1234567";

    public CancellationTokenSource? CancelOnBlock { get; init; }

    public ConcurrentBag<string> Processed { get; } = [];

    public string Extension { get; init; } = ".out";

    /// <summary>Called with the output path once the half-written output is on disk.</summary>
    public Action<string>? WhileWriting { get; init; }

    public string OutputExtension(string inputPath) => Extension;

    public DeidFileReport Deidentify(string inputPath, string relativePath, string outputPath, CancellationToken cancellationToken)
    {
        Processed.Add(relativePath);
        var content = File.ReadAllText(inputPath);
        File.Delete(outputPath);
        File.WriteAllText(outputPath, content[..(content.Length / 2)]);
        WhileWriting?.Invoke(outputPath);
        if (content.StartsWith("BAD", StringComparison.Ordinal))
        {
            return DeidFileReport.Failed(relativePath, "The file is not a supported image.");
        }

        if (content.StartsWith("THROW", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Cannot parse patient " + SecretInMessage);
        }

        if (content.StartsWith("NOOUT", StringComparison.Ordinal))
        {
            File.Delete(outputPath);
            return new DeidFileReport(relativePath, null, DeidStatus.Deidentified, null, [], [], [], []);
        }

        if (content.StartsWith("BLOCK", StringComparison.Ordinal) && CancelOnBlock is not null)
        {
            CancelOnBlock.Cancel();
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(10));
            cancellationToken.ThrowIfCancellationRequested();
        }

        File.WriteAllText(outputPath, content);
        var review = content.StartsWith("REVIEW", StringComparison.Ordinal);
        return new DeidFileReport(
            relativePath,
            outputPath,
            DeidStatus.Deidentified,
            null,
            [new DeidAction("(0010,0010) PatientName", DeidActionKind.Emptied, "PS3.15 basic profile"), new DeidAction("EXIF GPS", DeidActionKind.Removed, "location")],
            [new PixelRedaction(RedactionSource.Face, 0, 1, 2, 3, 4)],
            review ? [new VerificationFinding("pixels", FindingKind.BurnedInText, "text left after redaction")] : [],
            review ? ["burned-in text near the border"] : []);
    }
}
