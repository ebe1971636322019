namespace Visage.Deid.Photos;

/// <summary>The container formats photo de-identification recognises from their first bytes.</summary>
internal enum PhotoFormat
{
    Unknown,
    Jpeg,
    Png,
    WebP,
    Tiff,
    Heif,
}

internal static class PhotoFormatSniffer
{
    private static readonly string[] HeifBrands = ["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif"];

    public static PhotoFormat Sniff(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return PhotoFormat.Jpeg;
        }

        if (data.Length >= 8 && data[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return PhotoFormat.Png;
        }

        if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return PhotoFormat.WebP;
        }

        if (data.Length >= 4 && (data[..4].SequenceEqual("II*\0"u8) || data[..4].SequenceEqual("MM\0*"u8)))
        {
            return PhotoFormat.Tiff;
        }

        if (data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = System.Text.Encoding.ASCII.GetString(data[8..12]);
            if (HeifBrands.Contains(brand, StringComparer.Ordinal))
            {
                return PhotoFormat.Heif;
            }
        }

        return PhotoFormat.Unknown;
    }

    public static string Extension(PhotoFormat format) => format switch
    {
        PhotoFormat.Jpeg => ".jpg",
        PhotoFormat.Png => ".png",
        PhotoFormat.WebP => ".webp",
        PhotoFormat.Tiff => ".tif",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "No output extension for this format."),
    };
}
