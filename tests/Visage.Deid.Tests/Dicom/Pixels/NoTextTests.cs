using Visage.Deid.Dicom;
using Visage.Deid.Dicom.Pixels;

namespace Visage.Deid.Tests.Dicom.Pixels;

public sealed class NoTextTests
{
    [Theory]
    [InlineData("CT_small.dcm", "CT")]         // OCR runs (text-like edges) and reads nothing
    [InlineData("MR_small_RLE.dcm", "MR")]     // compressed: must stay compressed
    public void Clean_ImageWithoutBurnedInText_LeavesItUntouched(string name, string modality)
    {
        using var file = DicomImageFile.Open(TestData.Path("dicom", "debian_python3-pydicom", "test_files", name))!;
        var syntax = file.TransferSyntaxUid;
        var before = file.ReadPixels()!;
        var cleaner = new DicomPixelCleaner(CleanedTextFiles.Ocr, null, PixelCleaningOptions.Default);

        var result = file.Clean(cleaner, new DicomObjectInfo(modality, null, null, null, []), CancellationToken.None);

        Assert.False(result.Changed);
        Assert.Empty(result.Redactions);
        Assert.Equal(syntax, file.TransferSyntaxUid);
        Assert.Equal(before.Data, file.ReadPixels()!.Data);
    }
}
