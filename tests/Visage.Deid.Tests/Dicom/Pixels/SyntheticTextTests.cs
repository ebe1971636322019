using OpenCvSharp;
using Visage.Deid.Dicom;
using Visage.Deid.Dicom.Pixels;
using Visage.Deid.Reports;

namespace Visage.Deid.Tests.Dicom.Pixels;

public sealed class SyntheticTextTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("visage-pixels-text-").FullName;

    [Fact]
    public void Clean_TextDrawnOnAFrame_EveryDrawnPixelIsInsideARedactionAndNothingIsReadableAfterwards()
    {
        using var plain = BurnedInTextFinderTests.AnatomyFrame();
        using var annotated = BurnedInTextFinderTests.AnnotatedFrame();
        var input = Path.Combine(folder, "in.dcm");
        SyntheticDicom.Write(input, annotated, "OT", SyntheticDicom.SecondaryCapture);
        var verifier = new PixelTextVerifier(CleanedTextFiles.Ocr) { Thorough = true };
        using var file = DicomImageFile.Open(input)!;
        var original = file.ReadPixels()!;

        var result = file.Clean(new DicomPixelCleaner(CleanedTextFiles.Ocr, null, PixelCleaningOptions.Default), new DicomObjectInfo("OT", null, null, null, []), CancellationToken.None);
        var output = Path.Combine(folder, "out.dcm");
        Assert.True(file.Save(output));
        using var reread = DicomImageFile.Open(output)!;
        var cleaned = reread.ReadPixels()!;

        // Control: the verifier reads the drawn words in the original, so it can fail.
        var before = verifier.ReadableWords(original, CancellationToken.None).Select(w => w.Word.Text.ToUpperInvariant()).ToList();
        Assert.Contains("DOE", before);
        Assert.Contains("JOHN", before);
        Assert.True(result.Changed);
        Assert.All(result.Redactions, r => Assert.Equal(RedactionSource.Text, r.Source));
        bool Redacted(int f, int x, int y) => result.Redactions.Any(r => x >= r.Left && x < r.Left + r.Width && y >= r.Top && y < r.Top + r.Height);
        using var drawn = new Mat();
        Cv2.Absdiff(annotated, plain, drawn);
        int rows = drawn.Rows, cols = drawn.Cols;
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < cols; x++)
            {
                if (drawn.At<byte>(y, x) > 0 && !Redacted(0, x, y))
                {
                    Assert.Fail($"drawn text pixel ({x},{y}) was not redacted");
                }
            }
        }

        PixelAssert.UnchangedOutside(original, cleaned, Redacted);
        Assert.Empty(verifier.ReadableWords(cleaned, CancellationToken.None));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
