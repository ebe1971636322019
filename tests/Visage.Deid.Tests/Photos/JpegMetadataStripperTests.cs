using System.Buffers.Binary;
using System.Text;
using OpenCvSharp;
using Visage.Deid.Photos;

namespace Visage.Deid.Tests.Photos;

public sealed class JpegMetadataStripperTests
{
    public static TheoryData<string> Encodings => ["baseline", "progressive", "restart"];

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Strip_InjectedSegments_RemovesThemAndKeepsPixelsBitExact(string encoding)
    {
        var jpeg = Encode(encoding);
        var dirty = InsertAfterSoi(jpeg,
            Segment(0xE1, "Exif\0\0MM\0*SERIAL-4711"),
            Segment(0xE1, "http://ns.adobe.com/xap/1.0/\0<x>CREATOR-NAME</x>"),
            Segment(0xED, "Photoshop 3.0\08BIM\u0004\u0004\0\0\0\0\0\u0010\u001c\u0002\u0050BYLINE-NAME"),
            Segment(0xE2, "ICC_PROFILE\0\u0001\u0001ICC-DESC"),
            Segment(0xE5, "VENDOR-THING"),
            Segment(0xFE, "COMMENT-TEXT"));
        dirty = [.. dirty, .. "TRAILER-DATA"u8];

        var stripped = JpegMetadataStripper.Strip(dirty);

        foreach (var secret in new[] { "SERIAL-4711", "CREATOR-NAME", "BYLINE-NAME", "ICC-DESC", "VENDOR-THING", "COMMENT-TEXT", "TRAILER-DATA" })
        {
            Assert.True(stripped.Data.AsSpan().IndexOf(Encoding.ASCII.GetBytes(secret)) < 0, secret);
        }

        Assert.Equal(
            ["EXIF", "XMP", "IPTC", "ICC", "vendor segment", "comment", "data after end of image"],
            stripped.RemovedKinds);
        using var before = Cv2.ImDecode(jpeg, ImreadModes.Unchanged);
        using var after = Cv2.ImDecode(stripped.Data, ImreadModes.Unchanged);
        using var diff = new Mat();
        Cv2.Absdiff(before, after, diff);
        Assert.Equal(0, Cv2.CountNonZero(diff.Reshape(1)));
    }

    [Fact]
    public void Strip_JfifWithThumbnail_KeepsMinimalJfifOnly()
    {
        var jpeg = Encode("baseline");
        Assert.Equal(0xE0, jpeg[3]);
        // The encoder's own 16-byte JFIF is replaced by one carrying a 1x1 thumbnail.
        var jfif = Segment(0xE0, "JFIF\0\u0001\u0002\u0001\0\u0048\0\u0048\u0001\u0001\u00AA\u00BB\u00CC");
        byte[] dirty = [0xFF, 0xD8, .. jfif, .. jpeg.AsSpan(20)];

        var stripped = JpegMetadataStripper.Strip(dirty);

        Assert.Contains("thumbnail", stripped.RemovedKinds);
        Assert.Equal(0xE0, stripped.Data[3]);
        Assert.Equal(16, BinaryPrimitives.ReadUInt16BigEndian(stripped.Data.AsSpan(4)));
        Assert.Equal(0, stripped.Data[18]);
        Assert.Equal(0, stripped.Data[19]);
    }

    [Fact]
    public void Strip_SegmentRunningPastTheEnd_IsRefused()
    {
        var jpeg = Encode("baseline");
        var truncated = InsertAfterSoi(jpeg, Segment(0xE1, "Exif\0\0"))[..40];

        Assert.Throws<PhotoFormatException>(() => JpegMetadataStripper.Strip(truncated));
    }

    [Fact]
    public void Strip_ScanWithoutEndOfImage_IsRefused()
    {
        var jpeg = Encode("baseline");

        Assert.Throws<PhotoFormatException>(() => JpegMetadataStripper.Strip(jpeg[..^2]));
    }

    [Fact]
    public void Strip_AdobeSegment_IsKept()
    {
        var adobe = Segment(0xEE, "Adobe\0\u0064\0\0\0\0\u0001");
        var stripped = JpegMetadataStripper.Strip(InsertAfterSoi(Encode("baseline"), adobe));

        Assert.True(stripped.Data.AsSpan().IndexOf(adobe) > 0);
    }

    internal static byte[] Encode(string encoding)
    {
        using var image = new Mat(48, 64, MatType.CV_8UC3);
        Cv2.Randu(image, Scalar.All(0), Scalar.All(255));
        var parameters = encoding switch
        {
            "progressive" => new[] { new ImageEncodingParam(ImwriteFlags.JpegProgressive, 1) },
            "restart" => [new ImageEncodingParam(ImwriteFlags.JpegRstInterval, 2)],
            _ => [],
        };
        Cv2.ImEncode(".jpg", image, out var jpeg, parameters);
        return jpeg;
    }

    internal static byte[] Segment(byte marker, string payload)
    {
        var body = Encoding.Latin1.GetBytes(payload);
        var segment = new byte[4 + body.Length];
        segment[0] = 0xFF;
        segment[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(body.Length + 2));
        body.CopyTo(segment, 4);
        return segment;
    }

    internal static byte[] InsertAfterSoi(byte[] jpeg, params byte[][] segments) =>
        [.. jpeg.AsSpan(0, 2), .. segments.SelectMany(s => s), .. jpeg.AsSpan(2)];
}
