using Visage.Deid.Photos;

namespace Visage.Deid.Tests.Photos;

public sealed class IdentifyingMetadataTests
{
    [Fact]
    public void Collect_CameraJpegWithGps_FindsMakeModelDateArtistAndGps()
    {
        var metadata = IdentifyingMetadata.Collect(File.ReadAllBytes(TestData.Path("exif", "github_exiftool_t_images", "GPS.jpg")), PhotoFormat.Jpeg);

        var values = metadata.Values.Select(v => v.Value).ToList();
        Assert.Contains("FUJIFILM", values);
        Assert.Contains("FinePixS1Pro", values);
        Assert.Contains("2002:07:13 15:58:28", values);
        Assert.Contains("Ian Britton", values);
        Assert.Contains("EXIF GPS", metadata.Kinds);
        Assert.False(metadata.CorruptExif);
        Assert.All(metadata.Values, v => Assert.DoesNotContain(v.Value, v.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void Collect_XmpTheReaderRefuses_IsStillReadRaw()
    {
        var metadata = IdentifyingMetadata.Collect(File.ReadAllBytes(TestData.Path("exif", "github_exiftool_t_images", "ExtendedXMP.jpg")), PhotoFormat.Jpeg);

        Assert.Contains(metadata.Values, v => v.Source == "XMP packet" && v.Value == "Image::ExifTool 7.50");
        Assert.Contains(metadata.Values, v => v.Value == "Guess Who");
    }

    [Fact]
    public void Collect_CorruptExifBlock_IsFlagged()
    {
        var metadata = IdentifyingMetadata.Collect(File.ReadAllBytes(TestData.Path("exif", "debian_goexif", "corrupt", "infinite_loop_exif.jpg")), PhotoFormat.Jpeg);

        Assert.True(metadata.CorruptExif);
    }
}
