using System.Globalization;
using System.Text;

namespace Visage.Deid.Dicom;

/// <summary>Reads and writes GDCM element values as bytes and names tags, taking a VR from the dictionary when the file has none (implicit VR).</summary>
internal static class DicomElementValue
{
    /// <summary>Every element of a data set (or file meta header), in tag order, with its group and element numbers.</summary>
    public static IEnumerable<(gdcm.DataElement Element, ushort Group, ushort Number)> Elements(gdcm.DataSet dataSet)
    {
        var cursor = new gdcm.CSharpDataSet(dataSet);
        for (; !cursor.IsAtEnd(); cursor.Next())
        {
            var element = cursor.GetCurrent();
            var tag = element.GetTag();
            yield return (element, tag.GetGroup(), tag.GetElement());
        }
    }

    private static readonly HashSet<gdcm.VR.VRType> StringVrs =
    [
        gdcm.VR.VRType.AE, gdcm.VR.VRType.AS, gdcm.VR.VRType.CS, gdcm.VR.VRType.DA, gdcm.VR.VRType.DS,
        gdcm.VR.VRType.DT, gdcm.VR.VRType.IS, gdcm.VR.VRType.LO, gdcm.VR.VRType.LT, gdcm.VR.VRType.PN,
        gdcm.VR.VRType.SH, gdcm.VR.VRType.ST, gdcm.VR.VRType.TM, gdcm.VR.VRType.UC, gdcm.VR.VRType.UI,
        gdcm.VR.VRType.UR, gdcm.VR.VRType.UT,
    ];

    // Free text: where people type names, dates and numbers (PS3.5 6.2).
    private static readonly HashSet<gdcm.VR.VRType> FreeTextVrs =
    [
        gdcm.VR.VRType.LO, gdcm.VR.VRType.LT, gdcm.VR.VRType.SH, gdcm.VR.VRType.ST, gdcm.VR.VRType.UT,
        gdcm.VR.VRType.UC, gdcm.VR.VRType.PN,
    ];

    static DicomElementValue()
    {
        // GDCM prints warnings about odd files to stderr; we report problems ourselves, without values.
        gdcm.Trace.WarningOff();
        gdcm.Trace.ErrorOff();
        gdcm.Trace.DebugOff();
    }

    /// <summary>Call before any GDCM use so its tracing is off.</summary>
    public static void Initialize()
    {
    }

    public static uint Key(ushort group, ushort element) => ((uint)group << 16) | element;

    public static gdcm.VR.VRType Vr(gdcm.DataElement element)
    {
        gdcm.VR.VRType vr = element.GetVR();
        if (vr is gdcm.VR.VRType.INVALID or gdcm.VR.VRType.UN)
        {
            var tag = element.GetTag();
            if (tag.IsPrivate())
            {
                return vr;
            }

            gdcm.VR.VRType dictionary = gdcm.Global.GetInstance().GetDicts().GetDictEntry(tag).GetVR();
            if (dictionary != gdcm.VR.VRType.INVALID)
            {
                return dictionary;
            }
        }

        return vr;
    }

    public static bool IsString(gdcm.VR.VRType vr) => StringVrs.Contains(vr);

    public static bool IsFreeText(gdcm.VR.VRType vr) => FreeTextVrs.Contains(vr);

    /// <summary>True when the element holds (or, read implicitly, may hold) a sequence of items.</summary>
    public static bool IsSequence(gdcm.DataElement element, gdcm.VR.VRType vr)
    {
        if (vr == gdcm.VR.VRType.SQ)
        {
            return true;
        }

        if (element.GetByteValue() is not null || element.GetSequenceOfFragments() is not null)
        {
            return false;
        }

        return !element.IsEmpty() && element.IsUndefinedLength();
    }

    public static byte[] Bytes(gdcm.DataElement element)
    {
        var value = element.GetByteValue();
        if (value is null)
        {
            return [];
        }

        uint length = value.GetLength();
        var buffer = new byte[length];
        if (length > 0 && !value.GetBuffer(buffer, length))
        {
            return [];
        }

        return buffer;
    }

    /// <summary>A string value without its padding (trailing spaces and NULs; leading spaces too, which are never significant for the VRs we read).</summary>
    public static string Text(gdcm.DataElement element, DicomCharacterSet charset) =>
        charset.Decode(Bytes(element)).Trim(' ', '\0');

    /// <summary>The ASCII bytes of a value, padded to even length as PS3.5 requires (NUL for UI, space otherwise).</summary>
    public static byte[] Encode(string value, gdcm.VR.VRType vr)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        if (bytes.Length % 2 == 1)
        {
            Array.Resize(ref bytes, bytes.Length + 1);
            bytes[^1] = vr == gdcm.VR.VRType.UI ? (byte)0 : (byte)' ';
        }

        return bytes;
    }

    public static void SetText(gdcm.DataElement element, string value, gdcm.VR.VRType vr)
    {
        var bytes = Encode(value, vr);
        element.SetByteValue(bytes, new gdcm.VL((uint)bytes.Length));
    }

    public static void SetEmpty(gdcm.DataElement element) => element.SetByteValue([], new gdcm.VL(0));

    /// <summary>"(0010,0010) PatientName": where, for reports; never a value.</summary>
    public static string Name(ushort group, ushort element)
    {
        var tag = string.Create(CultureInfo.InvariantCulture, $"({group:X4},{element:X4})");
        if ((group & 1) == 1)
        {
            return tag + " private";
        }

        var keyword = gdcm.Global.GetInstance().GetDicts().GetDictEntry(new gdcm.Tag(group, element)).GetKeyword();
        return string.IsNullOrEmpty(keyword) ? tag : tag + " " + keyword;
    }

    public static gdcm.DataElement? Find(gdcm.DataSet dataSet, ushort group, ushort element)
    {
        var tag = new gdcm.Tag(group, element);
        return dataSet.FindDataElement(tag) ? dataSet.GetDataElement(tag) : null;
    }

    public static string? FindText(gdcm.DataSet dataSet, ushort group, ushort element, DicomCharacterSet charset)
    {
        var found = Find(dataSet, group, element);
        return found is null ? null : Text(found, charset);
    }
}
