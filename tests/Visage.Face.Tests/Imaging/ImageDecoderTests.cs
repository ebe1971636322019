using OpenCvSharp;

namespace Visage.Face.Tests.Imaging;

public sealed class ImageDecoderTests
{
    private readonly ImageDecoder decoder = new(maxEncodedBytes: 30L * 1024 * 1024, maxPixels: 50_000_000);

    [Fact]
    public void Decode_EmptyInput_RefusesAsEmpty()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => decoder.Decode([]));
        Assert.Equal(ImageDecodeFailure.Empty, ex.Reason);
    }

    [Fact]
    public void Decode_LargerThanTheEncodedLimit_RefusesBeforeDecoding()
    {
        var small = new ImageDecoder(maxEncodedBytes: 10_000, maxPixels: 50_000_000);

        var ex = Assert.Throws<ImageDecodeException>(() => small.Decode(TestData.Bytes("faces", "deepface", "img1.jpg")));

        Assert.Equal(ImageDecodeFailure.EncodedSizeExceeded, ex.Reason);
    }

    [Fact]
    public void Decode_MorePixelsThanTheLimit_Refuses()
    {
        var small = new ImageDecoder(maxEncodedBytes: 30_000_000, maxPixels: 1_000_000);

        var ex = Assert.Throws<ImageDecodeException>(() => small.Decode(TestData.Bytes("faces", "deepface", "img1.jpg")));

        Assert.Equal(ImageDecodeFailure.PixelCountExceeded, ex.Reason);
        Assert.Contains("1382x1868", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PngHeaderClaimingGiganticDimensions_RefusedFromTheHeaderAlone()
    {
        // A real PNG whose IHDR is rewritten to 100000 x 100000: a decompression bomb's signature.
        var png = TestData.Bytes("exif", "github_exiftool_t_images", "PNG.png");
        var bomb = (byte[])png.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bomb.AsSpan(16), 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bomb.AsSpan(20), 100_000);

        var ex = Assert.Throws<ImageDecodeException>(() => decoder.Decode(bomb));

        Assert.Equal(ImageDecodeFailure.PixelCountExceeded, ex.Reason);
    }

    [Theory]
    [InlineData("faces", "deepface", "img1.jpg")]
    [InlineData("faces", "singles", "astronaut_eileen_collins.png")]
    public void Decode_TruncatedFile_RefusesAsTruncated(string a, string b, string c)
    {
        var whole = TestData.Bytes(a, b, c);

        var ex = Assert.Throws<ImageDecodeException>(() => decoder.Decode(whole[..(whole.Length / 2)]));

        Assert.Equal(ImageDecodeFailure.Truncated, ex.Reason);
    }

    [Theory]
    [InlineData("huge_tag_exif.jpg")]
    [InlineData("max_uint32_exif.jpg")]
    public void Decode_FuzzedJpegCutInsideItsExifBlock_RefusesAsTruncated(string file)
    {
        // These fuzz cases stop after 64 KiB, inside the EXIF segment, before any image data.
        var ex = Assert.Throws<ImageDecodeException>(() => decoder.Decode(TestData.Bytes("exif", "debian_goexif", "corrupt", file)));

        Assert.Equal(ImageDecodeFailure.Truncated, ex.Reason);
    }

    [Fact]
    public void Decode_JpegWithFramelessHeader_RefusesAsCorrupt()
    {
        // SOI, a scan marker and EOI but no frame header: complete, yet not an image.
        byte[] data = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x00, 0x00, 0xFF, 0xD9];

        var ex = Assert.Throws<ImageDecodeException>(() => decoder.Decode(data));

        Assert.Equal(ImageDecodeFailure.Corrupt, ex.Reason);
    }

    [Fact]
    public void Decode_CorruptExifBlockInAGoodImage_DecodesUpright()
    {
        using var image = decoder.Decode(TestData.Bytes("exif", "debian_goexif", "corrupt", "infinite_loop_exif.jpg"));

        Assert.Equal((8, 8, 1), (image.Width, image.Height, image.Orientation));
    }

    [Fact]
    public void Decode_JpegMagicFollowedByGarbage_RefusesAsCorrupt()
    {
        // A well-formed frame header and scan marker around random entropy-coded bytes.
        var whole = TestData.Bytes("faces", "singles", "grace_hopper_512x512.jpg");
        var garbage = (byte[])whole.Clone();
        var scan = whole.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xDA]);
        new Random(7).NextBytes(garbage.AsSpan(scan + 20, garbage.Length - scan - 22));
        garbage[scan + 1] = 0xDA;

        var ex = Assert.Throws<ImageDecodeException>(() => decoder.Decode(garbage));

        Assert.Equal(ImageDecodeFailure.Corrupt, ex.Reason);
    }

    [Theory]
    [InlineData("github_exiftool_t_images", "GIF.gif")]
    [InlineData("github_exiftool_t_images", "JXL.jxl")]
    [InlineData("github_exiftool_t_images", "Photoshop.psd")]
    [InlineData("github_exiftool_t_images", "QuickTime.heic")]
    [InlineData("debian_go4_heif", "park.heic")]
    public void Decode_FormatOutsideTheSupportedSet_RefusesAsUnsupported(string folder, string file)
    {
        var ex = Assert.Throws<ImageDecodeException>(() => decoder.Decode(TestData.Bytes("exif", folder, file)));

        Assert.Equal(ImageDecodeFailure.UnsupportedFormat, ex.Reason);
    }

    [Theory]
    [InlineData("github_exiftool_t_images", "PNG.png", ImageFormat.Png, 16, 16)]
    [InlineData("github_exiftool_t_images", "RIFF.webp", ImageFormat.WebP, 1, 1)]
    [InlineData("github_exiftool_t_images", "ExifTool.tif", ImageFormat.Tiff, 160, 120)]
    [InlineData("npm_exif-parser", "starfish.jpg", ImageFormat.Jpeg, 1278, 720)]
    public void Decode_EachSupportedFormat_DecodesAtItsHeaderSize(string folder, string file, ImageFormat format, int width, int height)
    {
        using var image = decoder.Decode(TestData.Bytes("exif", folder, file));

        Assert.Equal((format, width, height), (image.Format, image.Width, image.Height));
    }

    [Fact]
    public void Decode_Bmp_DecodesTheSamePixelsAsTheSource()
    {
        using var source = Cv2.ImRead(TestData.Path("faces", "singles", "grace_hopper_512x512.jpg"), ImreadModes.Color | ImreadModes.IgnoreOrientation);
        Cv2.ImEncode(".bmp", source, out var bmp);

        using var image = decoder.Decode(bmp);

        Assert.Equal(ImageFormat.Bmp, image.Format);
        Assert.Equal(0, Cv2.Norm(source, image.Bgr, NormTypes.INF));
    }

    [Fact]
    public void Decode_AllEightExifOrientations_GiveTheSameUprightImage()
    {
        using var upright = decoder.Decode(TestData.Bytes("exif", "debian_goexif", "f1-exif.jpg"));
        for (var orientation = 2; orientation <= 8; orientation++)
        {
            using var image = decoder.Decode(TestData.Bytes("exif", "debian_goexif", $"f{orientation}-exif.jpg"));

            Assert.Equal(orientation, image.Orientation);
            Assert.Equal(upright.Bgr.Size(), image.Bgr.Size());
            using var diff = new Mat();
            Cv2.Absdiff(upright.Bgr, image.Bgr, diff);
            var meanDifference = Cv2.Mean(diff);
            // JPEG re-encoding of rotated pixels leaves small differences; a wrong rotation leaves large ones.
            Assert.True(meanDifference.Val0 + meanDifference.Val1 + meanDifference.Val2 < 3 * 6, $"orientation {orientation}: mean difference {meanDifference}");
        }
    }

    [Fact]
    public void Decode_RotatedPhoneCapture_IsTurnedUpright()
    {
        // has-lens-info.jpg is stored 205x102 with "Rotate 90 CW".
        using var image = decoder.Decode(TestData.Bytes("exif", "debian_goexif", "has-lens-info.jpg"));

        Assert.Equal((6, 102, 205), (image.Orientation, image.Width, image.Height));
    }
}
