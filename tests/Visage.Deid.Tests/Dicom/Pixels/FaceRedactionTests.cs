using OpenCvSharp;
using Visage.Deid.Dicom;
using Visage.Deid.Dicom.Pixels;
using Visage.Deid.Reports;
using Visage.Face;

namespace Visage.Deid.Tests.Dicom.Pixels;

/// <summary>One face engine over the installed models, shared by the face tests.</summary>
public sealed class FaceEngineFixture : IDisposable
{
    public FaceEngine Engine { get; } = new(new FaceEngineOptions(), ModelStore.OpenDefault(null));

    public void Dispose() => Engine.Dispose();
}

public sealed class FaceRedactionTests(FaceEngineFixture fixture) : IClassFixture<FaceEngineFixture>, IDisposable
{
    private static readonly string Portrait = TestData.Path("faces", "singles", "grace_hopper_512x512.jpg");
    private readonly string folder = Directory.CreateTempSubdirectory("visage-pixels-face-").FullName;

    [Theory]
    [InlineData("XC", null, true)]
    [InlineData("es", null, true)]
    [InlineData("OT", "1.2.840.10008.5.1.4.1.1.77.1.4", true)]
    [InlineData("OP", null, true)]
    [InlineData("CT", "1.2.840.10008.5.1.4.1.1.2", false)]
    [InlineData("OT", "1.2.840.10008.5.1.4.1.1.7", false)]
    public void IsPhotographic_ByModalityOrVisibleLightSopClass(string modality, string? sopClass, bool expected)
    {
        Assert.Equal(expected, DicomPixelCleaner.IsPhotographic(new DicomObjectInfo(modality, null, null, sopClass, [])));
    }

    [Fact]
    public void Find_Portrait_BoxCoversTheFaceWithMargin()
    {
        using var photo = Cv2.ImRead(Portrait);
        var finder = new FaceRegionFinder(fixture.Engine, 0.2);

        var box = Assert.Single(finder.Find(photo));

        using var decoded = fixture.Engine.Decode(File.ReadAllBytes(Portrait));
        var face = Assert.Single(fixture.Engine.Detect(decoded)).Box;
        Assert.True(box.Left < face.X && box.Top < face.Y && box.Right > face.X + face.Width && box.Bottom > face.Y + face.Height);
    }

    [Fact]
    public void Clean_PhotographicDicomWithAFace_BlacksItOutSoNoFaceIsFoundInTheWrittenFile()
    {
        using var photo = Cv2.ImRead(Portrait);
        var input = Path.Combine(folder, "in.dcm");
        SyntheticDicom.Write(input, photo, "XC", SyntheticDicom.VlPhotographic);
        var cleaner = new DicomPixelCleaner(CleanedTextFiles.Ocr, fixture.Engine, PixelCleaningOptions.Default with { CleanText = false });
        var finder = new FaceRegionFinder(fixture.Engine, 0);
        using var file = DicomImageFile.Open(input)!;
        using (var before = file.ReadPixels()!.Render(0))
        {
            Assert.Single(finder.Find(before));
        }

        var result = file.Clean(cleaner, new DicomObjectInfo("XC", null, null, SyntheticDicom.VlPhotographic, []), CancellationToken.None);
        var output = Path.Combine(folder, "out.dcm");
        Assert.True(file.Save(output));
        using var reread = DicomImageFile.Open(output)!;
        using var after = reread.ReadPixels()!.Render(0);

        Assert.True(result.Changed);
        var redaction = Assert.Single(result.Redactions);
        Assert.Equal(RedactionSource.Face, redaction.Source);
        Assert.Empty(finder.Find(after));
    }

    [Fact]
    public void Clean_SameFaceInANonPhotographicObject_IsNotTouched()
    {
        using var photo = Cv2.ImRead(Portrait);
        var input = Path.Combine(folder, "ct.dcm");
        SyntheticDicom.Write(input, photo, "OT", SyntheticDicom.SecondaryCapture);
        var cleaner = new DicomPixelCleaner(CleanedTextFiles.Ocr, fixture.Engine, PixelCleaningOptions.Default with { CleanText = false });
        using var file = DicomImageFile.Open(input)!;

        var result = file.Clean(cleaner, new DicomObjectInfo("OT", null, null, SyntheticDicom.SecondaryCapture, []), CancellationToken.None);

        Assert.False(result.Changed);
        Assert.Empty(result.Redactions);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
