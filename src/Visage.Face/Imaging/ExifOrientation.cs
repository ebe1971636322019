using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Png;
using MetadataExtractor.Formats.Tiff;
using MetadataExtractor.Formats.WebP;
using OpenCvSharp;

namespace Visage.Face;

/// <summary>Reads the EXIF orientation tag and turns pixels upright.</summary>
internal static class ExifOrientation
{
    /// <summary>Orientation 1-8; 1 when absent or unreadable (a broken EXIF block must not refuse a good image).</summary>
    public static int Read(byte[] data, ImageFormat format)
    {
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            // Only the EXIF block is parsed: XMP, IPTC and maker notes are not needed to turn pixels upright.
            IEnumerable<MetadataExtractor.Directory> directories = format switch
            {
                ImageFormat.Jpeg => JpegMetadataReader.ReadMetadata(stream, [new ExifReader()]),
                ImageFormat.Tiff => TiffMetadataReader.ReadMetadata(stream),
                ImageFormat.Png => PngMetadataReader.ReadMetadata(stream),
                ImageFormat.WebP => WebPMetadataReader.ReadMetadata(stream),
                _ => [],
            };
            var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
            if (ifd0 is not null && ifd0.TryGetInt32(ExifDirectoryBase.TagOrientation, out var value) && value is >= 1 and <= 8)
            {
                return value;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Metadata is untrusted input and its parser may fail in many ways; a broken block means "upright".
        }

        return 1;
    }

    /// <summary>Returns a new upright matrix for orientation 2-8, or the input itself for 1.</summary>
    public static Mat Apply(Mat image, int orientation)
    {
        if (orientation == 1)
        {
            return image;
        }

        var result = new Mat();
        switch (orientation)
        {
            case 2:
                Cv2.Flip(image, result, FlipMode.Y);
                break;
            case 3:
                Cv2.Rotate(image, result, RotateFlags.Rotate180);
                break;
            case 4:
                Cv2.Flip(image, result, FlipMode.X);
                break;
            case 5:
                Cv2.Transpose(image, result);
                break;
            case 6:
                Cv2.Rotate(image, result, RotateFlags.Rotate90Clockwise);
                break;
            case 7:
                using (var rotated = new Mat())
                {
                    Cv2.Rotate(image, rotated, RotateFlags.Rotate90Clockwise);
                    Cv2.Flip(rotated, result, FlipMode.X);
                }

                break;
            case 8:
                Cv2.Rotate(image, result, RotateFlags.Rotate90Counterclockwise);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(orientation), orientation, "EXIF orientation must be 1-8.");
        }

        image.Dispose();
        return result;
    }
}
