using QRCoder;

namespace Visage.Server.Pages;

/// <summary>The otpauth URI of a new account as an inline SVG QR code: drawn in the page, never fetched by a URL.</summary>
internal static class TotpQrCode
{
    public static string Svg(string otpAuthUri)
    {
        using var data = QRCodeGenerator.GenerateQrCode(otpAuthUri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(new System.Drawing.Size(256, 256), "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }
}
