using Visage.Deid.Dicom;
using Visage.Deid.Dicom.Pixels;

namespace Visage.Deid.Tests.Dicom.Pixels;

public sealed class PixelCleaningOptionsTests
{
    [Theory]
    [InlineData("US", "ACME", "Echo 3", true)]
    [InlineData("us ", "acme", "ECHO 3", true)]
    [InlineData("US", "ACME", "Echo 4", false)]
    [InlineData("US", "Other", "Echo 3", false)]
    [InlineData("CT", "ACME", "Echo 3", false)]
    [InlineData("US", null, null, false)]
    public void Matches_ModalityManufacturerAndModel_IgnoringCase(string modality, string? manufacturer, string? model, bool expected)
    {
        var region = new ConfiguredRegion("US", "ACME", "Echo 3", 0, 0, 600, 40);

        Assert.Equal(expected, region.Matches(new DicomObjectInfo(modality, manufacturer, model, null, [])));
    }

    [Fact]
    public void Matches_NullManufacturerAndModel_MatchAnyScannerOfTheModality()
    {
        var region = new ConfiguredRegion("US", null, null, 0, 0, 600, 40);

        Assert.True(region.Matches(new DicomObjectInfo("US", "Any", "Model", null, [])));
        Assert.False(region.Matches(new DicomObjectInfo("MR", "Any", "Model", null, [])));
    }

    [Fact]
    public void Clean_CancelledToken_Throws()
    {
        using var file = DicomImageFile.Open(TestData.Path("dicom", "debian_python3-pydicom", "test_files", "CT_small.dcm"))!;
        var cleaner = new DicomPixelCleaner(CleanedTextFiles.Ocr, null, PixelCleaningOptions.Default);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => file.Clean(cleaner, new DicomObjectInfo("CT", null, null, null, []), cancelled.Token));
    }
}
