using System.Buffers.Binary;
using System.Text;
using OpenCvSharp;
using Visage.Deid.Photos;

namespace Visage.Deid.Tests.Photos;

public sealed class WebPMetadataStripperTests
{
    [Fact]
    public void Strip_ExtendedWebPWithMetadata_DropsChunksClearsFlagsAndFixesSize()
    {
        using var image = new Mat(16, 24, MatType.CV_8UC3);
        Cv2.Randu(image, Scalar.All(0), Scalar.All(255));
        Cv2.ImEncode(".webp", image, out var simple, new ImageEncodingParam(ImwriteFlags.WebPQuality, 101));
        var imageChunk = simple.AsSpan(12).ToArray();
        var vp8x = new byte[18];
        "VP8X"u8.CopyTo(vp8x);
        BinaryPrimitives.WriteUInt32LittleEndian(vp8x.AsSpan(4), 10);
        vp8x[8] = 0x20 | 0x08 | 0x04;
        WriteUInt24(vp8x.AsSpan(12), 24 - 1);
        WriteUInt24(vp8x.AsSpan(15), 16 - 1);
        byte[] body = [.. "WEBP"u8, .. vp8x, .. Chunk("ICCP", "ICC-NAME"), .. imageChunk, .. Chunk("EXIF", "MM\0*SERIAL-4711"), .. Chunk("XMP ", "<x>XMP-CREATOR</x>")];
        byte[] dirty = [.. "RIFF"u8, 0, 0, 0, 0, .. body];
        BinaryPrimitives.WriteUInt32LittleEndian(dirty.AsSpan(4), (uint)body.Length);

        var stripped = WebPMetadataStripper.Strip(dirty);

        foreach (var secret in new[] { "ICC-NAME", "SERIAL-4711", "XMP-CREATOR" })
        {
            Assert.True(stripped.Data.AsSpan().IndexOf(Encoding.ASCII.GetBytes(secret)) < 0, secret);
        }

        Assert.Equal(["ICC", "EXIF", "XMP"], stripped.RemovedKinds);
        Assert.Equal(0, stripped.Data[20]);
        Assert.Equal((uint)(stripped.Data.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(stripped.Data.AsSpan(4)));
        using var after = Cv2.ImDecode(stripped.Data, ImreadModes.Color);
        using var diff = new Mat();
        Cv2.Absdiff(image, after, diff);
        Assert.Equal(0, Cv2.CountNonZero(diff.Reshape(1)));
    }

    [Fact]
    public void Strip_RiffSizeBeyondTheData_IsRefused()
    {
        using var image = new Mat(8, 8, MatType.CV_8UC3, Scalar.All(50));
        Cv2.ImEncode(".webp", image, out var webp);

        Assert.Throws<PhotoFormatException>(() => WebPMetadataStripper.Strip(webp[..^4]));
    }

    private static byte[] Chunk(string fourCc, string data)
    {
        var body = Encoding.Latin1.GetBytes(data);
        var padded = body.Length + (body.Length & 1);
        var chunk = new byte[8 + padded];
        Encoding.ASCII.GetBytes(fourCc).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)body.Length);
        body.CopyTo(chunk, 8);
        return chunk;
    }

    private static void WriteUInt24(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }
}
