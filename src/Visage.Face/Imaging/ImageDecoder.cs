using OpenCvSharp;

namespace Visage.Face;

/// <summary>
/// Decodes JPEG, PNG, WebP, BMP and TIFF from bytes. Size and pixel-count guards run on the header
/// before any full decode; failures are <see cref="ImageDecodeException"/> with a reason code.
/// </summary>
public sealed class ImageDecoder
{
    private readonly long maxEncodedBytes;
    private readonly long maxPixels;

    public ImageDecoder(long maxEncodedBytes, long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEncodedBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPixels, 1);
        this.maxEncodedBytes = maxEncodedBytes;
        this.maxPixels = maxPixels;
    }

    public DecodedImage Decode(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length == 0)
        {
            throw new ImageDecodeException(ImageDecodeFailure.Empty, "The image is empty.");
        }

        if (data.Length > maxEncodedBytes)
        {
            throw new ImageDecodeException(
                ImageDecodeFailure.EncodedSizeExceeded,
                $"The image is {data.Length} bytes; the limit is {maxEncodedBytes} bytes.");
        }

        var format = ImageHeader.Sniff(data);
        if (format == ImageFormat.Unknown)
        {
            throw new ImageDecodeException(
                ImageDecodeFailure.UnsupportedFormat,
                "The image format is not supported; use JPEG, PNG, WebP, BMP or TIFF.");
        }

        if (ImageHeader.IsTruncated(format, data))
        {
            throw new ImageDecodeException(ImageDecodeFailure.Truncated, $"The {format} data ends before the image does.");
        }

        var header = ImageHeader.Read(data)
            ?? throw new ImageDecodeException(ImageDecodeFailure.Corrupt, $"The {format} header is unreadable.");
        if (header.Pixels > maxPixels)
        {
            throw new ImageDecodeException(
                ImageDecodeFailure.PixelCountExceeded,
                $"The image is {header.Width}x{header.Height} pixels; the limit is {maxPixels} pixels.");
        }

        var orientation = ExifOrientation.Read(data, format);
        var mat = Cv2.ImDecode(data, ImreadModes.Color | ImreadModes.IgnoreOrientation);
        if (mat.Empty())
        {
            mat.Dispose();
            throw new ImageDecodeException(ImageDecodeFailure.Corrupt, $"The {format} data could not be decoded.");
        }

        return new DecodedImage(ExifOrientation.Apply(mat, orientation), format, orientation);
    }
}
