namespace Visage.Face;

public enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
    WebP,
    Bmp,
    Tiff,
}
