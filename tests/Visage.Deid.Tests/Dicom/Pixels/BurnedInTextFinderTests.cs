using OpenCvSharp;
using Visage.Deid.Dicom.Pixels;

namespace Visage.Deid.Tests.Dicom.Pixels;

public sealed class BurnedInTextFinderTests
{
    internal static readonly (string Text, Point Origin, double Scale)[] Annotations =
    [
        ("DOE JOHN", new Point(12, 30), 0.6),
        ("MRN 4471902", new Point(12, 56), 0.6),
        ("14 MAR 1987", new Point(360, 385), 0.45),
    ];

    [Fact]
    public void ReadWords_SyntheticAnnotatedFrame_FindsEveryDrawnLineAndNothingAfterBlackingItOut()
    {
        using var frame = AnnotatedFrame();
        var finder = new BurnedInTextFinder(CleanedTextFiles.Ocr);

        var words = finder.ReadWords(frame, BurnedInTextFinder.TextLikeRegions(frame), CancellationToken.None);

        // Control: OCR reads the drawn text, so the check below can fail.
        var read = words.Select(w => w.Text.ToUpperInvariant()).ToList();
        Assert.Contains("DOE", read);
        Assert.Contains("JOHN", read);
        Assert.Contains(read, t => t.Contains("4471902", StringComparison.Ordinal));
        foreach (var (text, origin, scale) in Annotations)
        {
            var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, scale, 1, out _);
            var drawn = new Rect(origin.X, origin.Y - size.Height, size.Width, size.Height);
            Assert.Contains(words, w => new Rect(w.Left, w.Top, w.Width, w.Height).IntersectsWith(drawn));
        }

        foreach (var w in words)
        {
            Cv2.Rectangle(frame, new Rect(w.Left - 3, w.Top - 3, w.Width + 6, w.Height + 6), Scalar.All(0), -1);
        }

        var left = finder.ReadWords(frame, BurnedInTextFinder.TextLikeRegions(frame), CancellationToken.None);
        Assert.DoesNotContain(left, w => w.Text.Count(char.IsLetterOrDigit) >= 2);
    }

    [Fact]
    public void TextLikeRegions_FindsAnnotationRowsButNotAPlainAnatomyLikeFrame()
    {
        using var annotated = AnnotatedFrame();
        using var plain = AnatomyFrame();

        var found = BurnedInTextFinder.TextLikeRegions(annotated);

        Assert.Contains(found, r => r.Top < 70 && r.Left < 60);
        Assert.Empty(BurnedInTextFinder.TextLikeRegions(plain));
    }

    internal static Mat AnatomyFrame()
    {
        var frame = new Mat(400, 500, MatType.CV_8UC1, Scalar.All(0));
        Cv2.Ellipse(frame, new Point(250, 210), new Size(150, 110), 0, 0, 360, Scalar.All(90), -1);
        Cv2.Circle(frame, new Point(220, 200), 40, Scalar.All(160), -1);
        Cv2.GaussianBlur(frame, frame, new Size(9, 9), 3);
        return frame;
    }

    internal static Mat AnnotatedFrame()
    {
        var frame = AnatomyFrame();
        foreach (var (text, origin, scale) in Annotations)
        {
            Cv2.PutText(frame, text, origin, HersheyFonts.HersheySimplex, scale, Scalar.All(255), 1, LineTypes.AntiAlias);
        }

        return frame;
    }
}
