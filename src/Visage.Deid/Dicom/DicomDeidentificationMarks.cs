namespace Visage.Deid.Dicom;

/// <summary>
/// The attributes that say an object was de-identified and how (PS3.15 E.1.1, PS3.3 C.7.1.1): Patient Identity Removed
/// YES, De-identification Method (0012,0063) and its code sequence (0012,0064) with CID 7050 codes for the profile and
/// each option applied, Longitudinal Temporal Information Modified, and Burned In Annotation NO after a pixel clean.
/// </summary>
internal static class DicomDeidentificationMarks
{
    public const string Scheme = "DCM";

    /// <summary>CID 7050 "De-identification Method" codes.</summary>
    public static readonly (string Code, string Meaning) BasicProfile = ("113100", "Basic Application Confidentiality Profile");
    public static readonly (string Code, string Meaning) CleanPixelData = ("113101", "Clean Pixel Data Option");
    public static readonly (string Code, string Meaning) CleanRecognizableVisualFeatures = ("113102", "Clean Recognizable Visual Features Option");
    public static readonly (string Code, string Meaning) CleanDescriptors = ("113105", "Clean Descriptors Option");
    public static readonly (string Code, string Meaning) RetainModifiedDates = ("113107", "Retain Longitudinal Temporal Information Modified Dates Option");
    public static readonly (string Code, string Meaning) RetainPatientCharacteristics = ("113108", "Retain Patient Characteristics Option");
    public static readonly (string Code, string Meaning) RetainDeviceIdentity = ("113109", "Retain Device Identity Option");
    public static readonly (string Code, string Meaning) RetainInstitutionIdentity = ("113112", "Retain Institution Identity Option");

    /// <summary>Every string these marks can write, so the verifier never mistakes them for leftovers.</summary>
    public static IReadOnlyList<string> Texts { get; } =
    [
        .. new[] { BasicProfile, CleanPixelData, CleanRecognizableVisualFeatures, CleanDescriptors, RetainModifiedDates, RetainPatientCharacteristics, RetainDeviceIdentity, RetainInstitutionIdentity }
            .SelectMany(c => new[] { c.Code, c.Meaning }),
        "Visage PS3.15 E.1-1",
        Scheme,
        "YES",
        "NO",
        "MODIFIED",
    ];

    /// <summary>The codes for what was applied, in CID 7050 order.</summary>
    public static IReadOnlyList<(string Code, string Meaning)> Applied(DicomDeidOptions options, bool pixelsCleaned)
    {
        ArgumentNullException.ThrowIfNull(options);
        var codes = new List<(string, string)> { BasicProfile };
        if (pixelsCleaned && options.CleanPixelData)
        {
            codes.Add(CleanPixelData);
        }

        if (pixelsCleaned && options.CleanRecognizableVisualFeatures)
        {
            codes.Add(CleanRecognizableVisualFeatures);
        }

        if (options.CleanDescriptors)
        {
            codes.Add(CleanDescriptors);
        }

        if (options.RetainLongitudinalModifiedDates)
        {
            codes.Add(RetainModifiedDates);
        }

        if (options.RetainPatientCharacteristics)
        {
            codes.Add(RetainPatientCharacteristics);
        }

        if (options.RetainDeviceIdentity)
        {
            codes.Add(RetainDeviceIdentity);
        }

        if (options.RetainInstitutionIdentity)
        {
            codes.Add(RetainInstitutionIdentity);
        }

        return codes;
    }

    public static void Apply(gdcm.DataSet dataSet, IReadOnlyList<(string Code, string Meaning)> codes, bool datesShifted, bool pixelsCleaned)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        ArgumentNullException.ThrowIfNull(codes);
        Set(dataSet, 0x0012, 0x0062, gdcm.VR.VRType.CS, "YES");

        // LO is at most 64 characters a value, so the method is multi-valued: the profile, then each option.
        var method = string.Join('\\', codes.Select(c => c == BasicProfile ? "Visage PS3.15 E.1-1" : c.Meaning));
        Set(dataSet, 0x0012, 0x0063, gdcm.VR.VRType.LO, method);

        // A smart pointer (New()), not a plain constructor: GDCM values are reference counted.
        var sequence = gdcm.SequenceOfItems.New();
        sequence.SetLengthToUndefined();
        foreach (var (code, meaning) in codes)
        {
            var item = new gdcm.DataSet();
            Set(item, 0x0008, 0x0100, gdcm.VR.VRType.SH, code);
            Set(item, 0x0008, 0x0102, gdcm.VR.VRType.SH, Scheme);
            Set(item, 0x0008, 0x0104, gdcm.VR.VRType.LO, meaning);
            var wrapped = new gdcm.Item();
            wrapped.SetNestedDataSet(item);
            wrapped.SetVLToUndefined();
            sequence.AddItem(wrapped);
        }

        var element = new gdcm.DataElement(new gdcm.Tag(0x0012, 0x0064));
        element.SetVR(new gdcm.VR(gdcm.VR.VRType.SQ));
        element.SetValue(sequence.__ref__());
        element.SetVLToUndefined();
        dataSet.Replace(element);

        if (datesShifted)
        {
            Set(dataSet, 0x0028, 0x0303, gdcm.VR.VRType.CS, "MODIFIED");
        }

        if (pixelsCleaned)
        {
            Set(dataSet, 0x0028, 0x0301, gdcm.VR.VRType.CS, "NO");
        }
    }

    private static void Set(gdcm.DataSet dataSet, ushort group, ushort number, gdcm.VR.VRType vr, string value)
    {
        var element = new gdcm.DataElement(new gdcm.Tag(group, number));
        element.SetVR(new gdcm.VR(vr));
        DicomElementValue.SetText(element, value, vr);
        dataSet.Replace(element);
    }
}
