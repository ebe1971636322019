using System.Buffers.Binary;
using System.Text;
using OpenCvSharp;
using Visage.Deid.Photos;

namespace Visage.Deid.Tests.Photos;

public sealed class PngMetadataStripperTests
{
    [Fact]
    public void Strip_TextTimeExifAndIccChunks_AreDroppedAndPixelsKept()
    {
        using var image = new Mat(20, 30, MatType.CV_8UC3);
        Cv2.Randu(image, Scalar.All(0), Scalar.All(255));
        Cv2.ImEncode(".png", image, out var png);
        var dirty = InsertAfterIhdr(png,
            Chunk("tEXt", "Author\0PATIENT-NAME"),
            Chunk("iTXt", "XML:com.adobe.xmp\0\0\0\0\0<x>XMP-CREATOR</x>"),
            Chunk("eXIf", "MM\0*SERIAL-4711"),
            Chunk("tIME", "\u0007\u00E8\u0001\u0002\u0003\u0004\u0005"),
            Chunk("iCCP", "ICC-NAME\0\0xyz"),
            Chunk("gAMA", "\0\0\u00B1\u008F"),
            Chunk("prVt", "PRIVATE-THING"));

        var stripped = PngMetadataStripper.Strip(dirty);

        foreach (var secret in new[] { "PATIENT-NAME", "XMP-CREATOR", "SERIAL-4711", "ICC-NAME", "PRIVATE-THING", "tIME" })
        {
            Assert.True(stripped.Data.AsSpan().IndexOf(Encoding.ASCII.GetBytes(secret)) < 0, secret);
        }

        Assert.Equal(["text", "XMP", "EXIF", "timestamp", "ICC", "ancillary chunk"], stripped.RemovedKinds);
        Assert.True(stripped.Data.AsSpan().IndexOf("gAMA"u8) > 0);
        using var after = Cv2.ImDecode(stripped.Data, ImreadModes.Unchanged);
        using var diff = new Mat();
        Cv2.Absdiff(image, after, diff);
        Assert.Equal(0, Cv2.CountNonZero(diff.Reshape(1)));
    }

    [Fact]
    public void Strip_MissingIend_IsRefused()
    {
        using var image = new Mat(4, 4, MatType.CV_8UC1, Scalar.All(9));
        Cv2.ImEncode(".png", image, out var png);

        Assert.Throws<PhotoFormatException>(() => PngMetadataStripper.Strip(png[..^12]));
    }

    [Fact]
    public void Strip_UnknownCriticalChunk_IsRefused()
    {
        using var image = new Mat(4, 4, MatType.CV_8UC1, Scalar.All(9));
        Cv2.ImEncode(".png", image, out var png);

        Assert.Throws<PhotoFormatException>(() => PngMetadataStripper.Strip(InsertAfterIhdr(png, Chunk("ZZZZ", "x"))));
    }

    private static byte[] Chunk(string type, string data)
    {
        var body = Encoding.Latin1.GetBytes(data);
        var chunk = new byte[12 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)body.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        body.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + body.Length), Crc32(chunk.AsSpan(4, 4 + body.Length)));
        return chunk;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    // Signature (8) + IHDR (4 + 4 + 13 + 4).
    private static byte[] InsertAfterIhdr(byte[] png, params byte[][] chunks) =>
        [.. png.AsSpan(0, 33), .. chunks.SelectMany(c => c), .. png.AsSpan(33)];
}
