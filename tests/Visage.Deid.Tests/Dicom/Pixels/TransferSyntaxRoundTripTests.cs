using Visage.Deid.Dicom;
using Visage.Deid.Dicom.Pixels;
using Visage.Deid.Reports;

namespace Visage.Deid.Tests.Dicom.Pixels;

/// <summary>
/// One file per transfer syntax family and pixel layout: a configured region forces the rewrite, and the written
/// file must decode to the original image everywhere except that region, which must be black.
/// </summary>
public sealed class TransferSyntaxRoundTripTests : IDisposable
{
    private const string ExplicitVrLittleEndian = "1.2.840.10008.1.2.1";
    private const string Pydicom = "debian_python3-pydicom/test_files/";
    private static readonly PixelCleaningOptions RegionOnly = new([], CleanText: false, CleanFaces: false);

    private readonly string folder = Directory.CreateTempSubdirectory("visage-pixels-ts-").FullName;

    public static TheoryData<string, string> Families => new()
    {
        { Pydicom + "MR_small_implicit.dcm", "MR" },                // Implicit VR LE, signed 16-bit
        { Pydicom + "CT_small.dcm", "CT" },                         // Explicit VR LE
        { Pydicom + "MR_small_bigendian.dcm", "MR" },               // Explicit VR BE
        { Pydicom + "ExplVR_BigEnd.dcm", "US" },                    // Explicit VR BE, RGB planar configuration 1
        { Pydicom + "image_dfl.dcm", "OT" },                        // Deflated Explicit VR LE
        { Pydicom + "MR_small_RLE.dcm", "MR" },                     // RLE
        { Pydicom + "SC_rgb_rle_16bit.dcm", "OT" },                 // RLE, 16-bit RGB
        { Pydicom + "SC_rgb_rle_2frame.dcm", "OT" },                // RLE, RGB, two frames
        { Pydicom + "SC_rgb_dcmtk_+eb+cy+np.dcm", "OT" },           // JPEG baseline, YBR_FULL_422
        { Pydicom + "JPGExtended.dcm", "NM" },                      // JPEG extended (12-bit)
        { Pydicom + "SC_rgb_jpeg_gdcm.dcm", "OT" },                 // JPEG lossless, RGB
        { "debian_libgdcm3.0/00191113.dcm", "XA" },                 // JPEG lossless, four frames
        { Pydicom + "MR_small_jpeg_ls_lossless.dcm", "MR" },        // JPEG-LS
        { Pydicom + "MR_small_jp2klossless.dcm", "MR" },            // JPEG 2000 lossless
        { Pydicom + "SC_rgb_gdcm_KY.dcm", "OT" },                   // JPEG 2000, RGB
        { Pydicom + "SC_ybr_full_422_uncompressed.dcm", "OT" },     // uncompressed YBR_FULL_422
        { Pydicom + "liver_1frame.dcm", "SEG" },                    // 1-bit segmentation
        { Pydicom + "rtdose.dcm", "RTDOSE" },                       // 32-bit, 15 frames
        { "debian_octave-dicom/simple-test.dcm", "OT" },            // MONOCHROME1
        { "debian_octave-dicom/US-PAL-8-10x-echo.dcm", "US" },      // RLE PALETTE COLOR, ten frames
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Clean_ConfiguredRegion_WritesUncompressedAndKeepsTheRestOfTheImage(string name, string modality)
    {
        var path = TestData.Path(["dicom", .. name.Split('/')]);
        using var file = DicomImageFile.Open(path)!;
        var original = file.ReadPixels()!;
        var region = new ConfiguredRegion(modality, null, null, 1, 1, Math.Max(1, original.Columns / 3), Math.Max(1, original.Rows / 3));
        var cleaner = new DicomPixelCleaner(CleanedTextFiles.Ocr, null, RegionOnly with { Regions = [region] });

        var result = file.Clean(cleaner, new DicomObjectInfo(modality, null, null, null, []), CancellationToken.None);
        var output = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".dcm");
        Assert.True(file.Save(output));
        using var reread = DicomImageFile.Open(output)!;
        var written = reread.ReadPixels()!;

        Assert.True(result.Changed);
        Assert.Equal(original.Frames, result.Redactions.Count);
        Assert.All(result.Redactions, r => Assert.Equal(RedactionSource.Configured, r.Source));
        Assert.Equal(ExplicitVrLittleEndian, reread.TransferSyntaxUid);
        bool Inside(int f, int x, int y) => x >= region.Left && x < region.Left + region.Width && y >= region.Top && y < region.Top + region.Height;
        Assert.True(PixelAssert.UnchangedOutside(original, written, Inside) > 0);
        PixelAssert.BlackInside(written, Inside);
    }

    [Fact]
    public void Clean_RegionForAnotherModality_LeavesTheCompressedImageUntouched()
    {
        using var file = DicomImageFile.Open(TestData.Path("dicom", "debian_python3-pydicom", "test_files", "MR_small_jp2klossless.dcm"))!;
        var syntax = file.TransferSyntaxUid;
        var cleaner = new DicomPixelCleaner(CleanedTextFiles.Ocr, null, RegionOnly with { Regions = [new ConfiguredRegion("US", null, null, 0, 0, 10, 10)] });

        var result = file.Clean(cleaner, new DicomObjectInfo("MR", null, null, null, []), CancellationToken.None);

        Assert.False(result.Changed);
        Assert.Empty(result.Redactions);
        Assert.Equal(syntax, file.TransferSyntaxUid);
    }

    [Fact]
    public void Clean_UndecodablePixelData_IsUnchangedAndFlaggedWithoutValues()
    {
        using var file = DicomImageFile.Open(TestData.Path("dicom", "debian_python3-pydicom", "test_files", "JPEG2000-embedded-sequence-delimiter.dcm"))!;
        var cleaner = new DicomPixelCleaner(CleanedTextFiles.Ocr, null, PixelCleaningOptions.Default);

        var result = file.Clean(cleaner, new DicomObjectInfo("NM", null, null, null, ["DOE^JOHN"]), CancellationToken.None);

        Assert.False(result.Changed);
        var review = Assert.Single(result.NeedsReview);
        Assert.Contains("could not be decoded", review, StringComparison.Ordinal);
        Assert.DoesNotContain("DOE", review, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
