using PdfSharp.Fonts;

namespace Visage.Server.Consent;

/// <summary>
/// PDFsharp's fonts: Debian's DejaVu Sans (<c>fonts-dejavu-core</c>), regular and bold, read from disk once. PDFsharp
/// has no font of its own on Linux, so every family it is asked for is answered with DejaVu Sans.
/// </summary>
internal sealed class DejaVuFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Directory = "/usr/share/fonts/truetype/dejavu";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";
    private static readonly Lock Installing = new();

    /// <summary>Makes DejaVu PDFsharp's resolver (once per process; PDFsharp allows only one).</summary>
    public static void Install()
    {
        lock (Installing)
        {
            if (GlobalFontSettings.FontResolver is not DejaVuFonts)
            {
                GlobalFontSettings.FontResolver = new DejaVuFonts();
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[]? GetFont(string faceName)
    {
        var path = Path.Combine(Directory, faceName + ".ttf");
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"The DejaVu font {faceName}.ttf is missing: install the Debian package fonts-dejavu-core (scripts/setup does).", path);
    }
}
