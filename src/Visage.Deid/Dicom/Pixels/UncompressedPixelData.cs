namespace Visage.Deid.Dicom.Pixels;

/// <summary>
/// Turns a GDCM image of any transfer syntax into uncompressed Explicit VR Little Endian in place, and stores an
/// edited buffer back as its Pixel Data element so that <c>gdcm.ImageWriter</c> writes a consistent file.
/// </summary>
internal static class UncompressedPixelData
{
    private static readonly gdcm.Tag PixelDataTag = new(0x7FE0, 0x0010);

    /// <summary>Decompresses in place; false when GDCM has no codec for the data.</summary>
    public static bool Decompress(gdcm.Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var target = new gdcm.TransferSyntax(gdcm.TransferSyntax.TSType.ExplicitVRLittleEndian);
        if (image.GetTransferSyntax().GetString()?.Trim('\0', ' ') == target.GetString()?.Trim('\0', ' '))
        {
            return true;
        }

        using var change = new gdcm.ImageChangeTransferSyntax();
        change.SetTransferSyntax(target);
        change.SetInput(image);
        if (!change.Change())
        {
            return false;
        }

        // GDCM's filter output shares the input image, but copy what changed in case a build does not.
        var output = change.GetOutput();
        image.SetTransferSyntax(output.GetTransferSyntax());
        image.SetPhotometricInterpretation(output.GetPhotometricInterpretation());
        image.SetPlanarConfiguration(output.GetPlanarConfiguration());
        image.SetPixelFormat(output.GetPixelFormat());
        image.SetDataElement(output.GetDataElement());
        return true;
    }

    /// <summary>Stores the (decoded, edited) buffer as native little-endian pixel data.</summary>
    public static void Store(gdcm.Image image, DicomPixelBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(buffer);
        var data = buffer.Data;
        if (data.Length % 2 == 1)
        {
            Array.Resize(ref data, data.Length + 1);
        }

        using var element = new gdcm.DataElement(PixelDataTag);
        element.SetVR(new gdcm.VR(buffer.BitsAllocated > 8 ? gdcm.VR.VRType.OW : gdcm.VR.VRType.OB));
        element.SetByteValue(data, new gdcm.VL((uint)data.Length));
        image.SetDataElement(element);
        image.SetTransferSyntax(new gdcm.TransferSyntax(gdcm.TransferSyntax.TSType.ExplicitVRLittleEndian));

        // GDCM expands 4:2:2 chroma when decoding, so the stored buffer is full-resolution YBR.
        var photometric = image.GetPhotometricInterpretation().GetString()?.Trim();
        if (photometric is "YBR_FULL_422")
        {
            image.SetPhotometricInterpretation(new gdcm.PhotometricInterpretation(gdcm.PhotometricInterpretation.PIType.YBR_FULL));
        }
    }
}
