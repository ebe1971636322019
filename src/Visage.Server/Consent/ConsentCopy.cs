using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;

namespace Visage.Server.Consent;

/// <summary>What the patient's copy of a consent says: nothing identifying, so it can be handed over or lost without a disclosure.</summary>
internal sealed record ConsentCopyContent(
    Guid ConsentId,
    int NoticeVersion,
    string NoticeText,
    IReadOnlyList<string> Purposes,
    DateTimeOffset Granted,
    string Method,
    string Retention,
    string HowToWithdraw);

/// <summary>The patient's PDF copy of a consent (PDFsharp, DejaVu Sans): the notice version and text, the purposes chosen, the date, retention and how to withdraw.</summary>
internal static class ConsentCopy
{
    private const double Margin = 56;

    public static byte[] Write(ConsentCopyContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        DejaVuFonts.Install();
        using var document = new PdfDocument();
        document.Info.Title = "Your consent to face recognition";
        document.Info.Creator = "Visage";
        var page = document.AddPage();
        using (var graphics = XGraphics.FromPdfPage(page))
        {
            var heading = new XFont(DejaVuFonts.Family, 16, XFontStyleEx.Bold);
            var label = new XFont(DejaVuFonts.Family, 11, XFontStyleEx.Bold);
            var body = new XFont(DejaVuFonts.Family, 10.5, XFontStyleEx.Regular);
            var layout = new XTextFormatter(graphics);
            var width = page.Width.Point - (2 * Margin);
            var y = Margin;

            void Write(string text, XFont font, double gapAfter)
            {
                // Enough height for the wrapped text: lines of the page's width, with room to spare.
                var lines = Math.Max(1, (int)Math.Ceiling(graphics.MeasureString(text, font).Width / width) + text.Count(c => c == '\n'));
                var height = (lines + 1) * font.GetHeight();
                layout.DrawString(text, font, XBrushes.Black, new XRect(Margin, y, width, height), XStringFormats.TopLeft);
                y += height + gapAfter;
            }

            Write("Your consent to face recognition", heading, 8);
            Write(string.Create(CultureInfo.InvariantCulture, $"Consent notice version {content.NoticeVersion}"), label, 2);
            Write(content.NoticeText, body, 10);
            Write("You agreed to these purposes", label, 2);
            Write(string.Join("\n", content.Purposes.Select(p => "\u2022 " + p)), body, 10);
            Write("Date", label, 2);
            Write(content.Granted.UtcDateTime.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture), body, 10);
            Write("How it was recorded", label, 2);
            Write(content.Method, body, 10);
            Write("How long your face data is kept", label, 2);
            Write(content.Retention, body, 10);
            Write("How to withdraw", label, 2);
            Write(content.HowToWithdraw, body, 10);
            Write("Reference", label, 2);
            Write(content.ConsentId.ToString(), body, 0);
        }

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }
}
