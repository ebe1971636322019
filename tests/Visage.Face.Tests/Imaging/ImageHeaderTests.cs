namespace Visage.Face.Tests.Imaging;

public sealed class ImageHeaderTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, ImageFormat.Jpeg)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, ImageFormat.Png)]
    [InlineData(new byte[] { (byte)'B', (byte)'M', 0, 0 }, ImageFormat.Bmp)]
    [InlineData(new byte[] { (byte)'I', (byte)'I', 42, 0 }, ImageFormat.Tiff)]
    [InlineData(new byte[] { (byte)'M', (byte)'M', 0, 42 }, ImageFormat.Tiff)]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8' }, ImageFormat.Unknown)]
    [InlineData(new byte[] { 0xFF }, ImageFormat.Unknown)]
    public void Sniff_MagicBytes_NameTheFormat(byte[] data, ImageFormat expected) =>
        Assert.Equal(expected, ImageHeader.Sniff(data));

    [Fact]
    public void Read_JpegSeveralMegapixels_ReadsSizeWithoutDecoding()
    {
        var header = ImageHeader.Read(TestData.Bytes("faces", "deepface", "couple.jpg"));

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 2280, 1588), header);
    }

    [Fact]
    public void Read_TruncatedHeader_ReturnsNull()
    {
        Assert.Null(ImageHeader.Read([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]));
    }
}
