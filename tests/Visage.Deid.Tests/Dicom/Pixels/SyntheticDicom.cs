using System.Buffers.Binary;
using System.Text;
using OpenCvSharp;

namespace Visage.Deid.Tests.Dicom.Pixels;

/// <summary>
/// Writes a minimal Explicit VR Little Endian DICOM file around an 8-bit grey or BGR image, byte by byte (the tests
/// do not reference GDCM), so the pixel step can be tested end to end on an image whose content is known.
/// </summary>
internal static class SyntheticDicom
{
    public const string SecondaryCapture = "1.2.840.10008.5.1.4.1.1.7";
    public const string VlPhotographic = "1.2.840.10008.5.1.4.1.1.77.1.4";

    public static void Write(string path, Mat image, string modality, string sopClassUid)
    {
        var colour = image.Channels() == 3;
        var instance = "2.25." + new UInt128((ulong)Random.Shared.NextInt64(), (ulong)Random.Shared.NextInt64()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var meta = new MemoryStream();
        Element(meta, 0x0002, 0x0001, "OB", [0, 1]);
        Element(meta, 0x0002, 0x0002, "UI", Uid(sopClassUid));
        Element(meta, 0x0002, 0x0003, "UI", Uid(instance));
        Element(meta, 0x0002, 0x0010, "UI", Uid("1.2.840.10008.1.2.1"));

        using var file = File.Create(path);
        file.Write(new byte[128]);
        file.Write("DICM"u8);
        Element(file, 0x0002, 0x0000, "UL", UInt32((uint)meta.Length));
        meta.WriteTo(file);
        Element(file, 0x0008, 0x0016, "UI", Uid(sopClassUid));
        Element(file, 0x0008, 0x0018, "UI", Uid(instance));
        Element(file, 0x0008, 0x0060, "CS", Text(modality));
        Element(file, 0x0010, 0x0010, "PN", Text("SYNTHETIC^TEST"));
        Element(file, 0x0028, 0x0002, "US", UInt16(colour ? 3 : 1));
        Element(file, 0x0028, 0x0004, "CS", Text(colour ? "RGB" : "MONOCHROME2"));
        if (colour)
        {
            Element(file, 0x0028, 0x0006, "US", UInt16(0));
        }

        Element(file, 0x0028, 0x0010, "US", UInt16(image.Rows));
        Element(file, 0x0028, 0x0011, "US", UInt16(image.Cols));
        Element(file, 0x0028, 0x0100, "US", UInt16(8));
        Element(file, 0x0028, 0x0101, "US", UInt16(8));
        Element(file, 0x0028, 0x0102, "US", UInt16(7));
        Element(file, 0x0028, 0x0103, "US", UInt16(0));
        using var stored = new Mat();
        if (colour)
        {
            Cv2.CvtColor(image, stored, ColorConversionCodes.BGR2RGB);
        }
        else
        {
            image.CopyTo(stored);
        }

        var pixels = new byte[stored.Rows * stored.Cols * stored.Channels()];
        System.Runtime.InteropServices.Marshal.Copy(stored.Data, pixels, 0, pixels.Length);
        Element(file, 0x7FE0, 0x0010, "OB", pixels);
    }

    private static void Element(Stream stream, ushort group, ushort element, string vr, byte[] value)
    {
        if (value.Length % 2 == 1)
        {
            Array.Resize(ref value, value.Length + 1);
        }

        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        if (vr is "OB" or "OW")
        {
            header[6] = 0;
            header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)value.Length);
            stream.Write(header);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)value.Length);
            stream.Write(header[..8]);
        }

        stream.Write(value);
    }

    private static byte[] Uid(string uid) => Encoding.ASCII.GetBytes(uid.Length % 2 == 1 ? uid + "\0" : uid);

    private static byte[] Text(string text) => Encoding.ASCII.GetBytes(text.Length % 2 == 1 ? text + " " : text);

    private static byte[] UInt16(int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
        return bytes;
    }

    private static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
