using OpenCvSharp;
using Visage.Deid.Text;

namespace Visage.Deid.Dicom.Pixels;

/// <summary>
/// Finds burned-in text in an 8-bit frame. Plain OCR misses text that is small, low-contrast in grey (a green word
/// on mid-grey) or thin, so several renderings are read (grey and brightest colour channel at 1x; in text-like
/// regions, grey and binarised grey at 2x) and the union of word boxes is kept. A cheap text-likeness test
/// (morphological gradient, glyph-sized components in rows) decides whether OCR is worth running at all.
/// </summary>
internal sealed class BurnedInTextFinder
{
    private const int SparseText = 11;
    private readonly TesseractOcr ocr;

    public BurnedInTextFinder(TesseractOcr ocr)
    {
        ArgumentNullException.ThrowIfNull(ocr);
        this.ocr = ocr;
    }

    /// <summary>Words below this confidence (0-100) are treated as noise Tesseract sees in anatomy.</summary>
    public float MinimumConfidence { get; init; } = 30;

    /// <summary>Confidence an annotation-sized word of two or more characters needs outside text-like regions.</summary>
    public float ConfidentWordOutsideTextLike { get; init; } = 60;

    /// <summary>Confidence any other word needs (single characters, or taller than annotation text).</summary>
    public float ConfidentWithoutSupport { get; init; } = 85;

    /// <summary>
    /// Boxes of text-like structure: high-contrast edges joined along rows into glyph-height, wider-than-tall
    /// components. Cheap (a few milliseconds), so it gates OCR and flags text OCR could not read.
    /// </summary>
    public static IReadOnlyList<Rect> TextLikeRegions(Mat display)
    {
        ArgumentNullException.ThrowIfNull(display);
        using var gradient = MaxChannelGradient(display);
        using var binary = new Mat();
        var otsu = Cv2.Threshold(gradient, binary, 0, 255, ThresholdTypes.Binary | ThresholdTypes.Otsu);
        if (otsu < 40)
        {
            // A nearly flat frame: Otsu splits noise; only strong edges can be glyphs.
            Cv2.Threshold(gradient, binary, 40, 255, ThresholdTypes.Binary);
        }

        using var kernel = Cv2.GetStructuringElement(MorphShapes.Rect, new Size(7, 1));
        using var joined = new Mat();
        Cv2.MorphologyEx(binary, joined, MorphTypes.Close, kernel);
        using var labels = new Mat();
        using var stats = new Mat();
        using var centroids = new Mat();
        var count = Cv2.ConnectedComponentsWithStats(joined, labels, stats, centroids);
        var regions = new List<Rect>();
        for (var i = 1; i < count; i++)
        {
            var w = stats.At<int>(i, (int)ConnectedComponentsTypes.Width);
            var h = stats.At<int>(i, (int)ConnectedComponentsTypes.Height);
            var area = stats.At<int>(i, (int)ConnectedComponentsTypes.Area);
            var fill = area / (double)(w * h);
            if (h is >= 5 and <= 60 && w >= 8 && w >= 1.5 * h && w <= 0.8 * display.Width && fill is >= 0.25 and <= 0.95)
            {
                regions.Add(new Rect(
                    stats.At<int>(i, (int)ConnectedComponentsTypes.Left),
                    stats.At<int>(i, (int)ConnectedComponentsTypes.Top),
                    w,
                    h));
            }
        }

        return regions;
    }

    /// <summary>
    /// Words read by every rendering, in frame coordinates, after dropping noise. <paramref name="textLike"/> are
    /// the frame's <see cref="TextLikeRegions"/>: a word inside one needs little confidence, a word elsewhere (on
    /// anatomy, where Tesseract reads "6666" into round structures) needs more.
    /// </summary>
    public IReadOnlyList<RecognizedWord> ReadWords(Mat display, IReadOnlyList<Rect> textLike, CancellationToken cancellationToken) =>
        ReadWords(display, textLike, fullFrame: true, cancellationToken);

    /// <summary>
    /// As above; without <paramref name="fullFrame"/> only the grey 2x rendering of the text-like regions is read
    /// (later frames of a cine loop, whose overlay the first frame has already given).
    /// </summary>
    public IReadOnlyList<RecognizedWord> ReadWords(Mat display, IReadOnlyList<Rect> textLike, bool fullFrame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(display);
        ArgumentNullException.ThrowIfNull(textLike);
        var words = new List<RecognizedWord>();
        foreach (var (image, scale) in Renderings(display, textLike, fullFrame))
        {
            using (image)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var word in ocr.Recognize(image, SparseText, cancellationToken))
                {
                    var mapped = Unscale(word, scale);
                    if (IsPlausible(mapped, display, textLike))
                    {
                        words.Add(mapped);
                    }
                }
            }
        }

        return words;
    }

    private bool IsPlausible(RecognizedWord word, Mat display, IReadOnlyList<Rect> textLike)
    {
        if (!word.Text.Any(char.IsLetterOrDigit) || word.Height < 4 || word.Height > display.Height / 3 || word.Width > display.Width * 0.9)
        {
            return false;
        }

        var box = new Rect(word.Left - 2, word.Top - 2, word.Width + 4, word.Height + 4);
        var annotationSized = word.Height <= display.Height / 8;
        if (annotationSized && textLike.Any(r => r.IntersectsWith(box)))
        {
            return word.Confidence >= MinimumConfidence;
        }

        // The text-like test misses some real annotation ("mA 200"); a multi-character word of annotation size
        // is kept at moderate confidence, at the price of an occasional small box on anatomy.
        if (annotationSized && word.Text.Count(char.IsLetterOrDigit) >= 2)
        {
            return word.Confidence >= Math.Max(MinimumConfidence, ConfidentWordOutsideTextLike);
        }

        return word.Confidence >= ConfidentWithoutSupport;
    }

    private static RecognizedWord Unscale(RecognizedWord word, double scale) =>
        scale == 1 ? word : word with
        {
            Left = (int)Math.Floor(word.Left / scale),
            Top = (int)Math.Floor(word.Top / scale),
            Width = (int)Math.Ceiling(word.Width / scale) + 1,
            Height = (int)Math.Ceiling(word.Height / scale) + 1,
        };

    // The plain full-frame read finds most text anywhere; the extra renderings only look at the text-like regions
    // (everything else black), which keeps them fast and stops them reading words into anatomy. A coloured word
    // can vanish in grey (green on mid-grey) but is bright in the per-pixel maximum channel, which is read whole on
    // the first pass because the text-like test can miss such a word too.
    private static IEnumerable<(Mat Image, double Scale)> Renderings(Mat display, IReadOnlyList<Rect> textLike, bool fullFrame)
    {
        using var grey = ToGrey(display);
        using var brightest = fullFrame && display.Channels() == 3 && !IsEffectivelyGrey(display) ? BrightestChannel(display) : null;
        if (fullFrame)
        {
            yield return (grey.Clone(), 1);
            if (brightest is not null)
            {
                yield return (brightest.Clone(), 1);
            }
        }

        if (textLike.Count == 0)
        {
            yield break;
        }

        using var mask = new Mat(display.Rows, display.Cols, MatType.CV_8UC1, Scalar.All(0));
        foreach (var region in textLike)
        {
            Cv2.Rectangle(mask, new Rect(region.Left - 6, region.Top - 6, region.Width + 12, region.Height + 12), Scalar.All(255), -1);
        }

        using var up = new Mat();
        Cv2.Resize(grey, up, new Size(0, 0), 2, 2, InterpolationFlags.Cubic);
        using var upMask = new Mat();
        Cv2.Resize(mask, upMask, new Size(0, 0), 2, 2, InterpolationFlags.Nearest);
        yield return (Masked(up, upMask), 2);
        if (fullFrame)
        {
            using var binary = new Mat();
            Cv2.Threshold(up, binary, 0, 255, ThresholdTypes.Binary | ThresholdTypes.Otsu);
            yield return (Masked(binary, upMask), 2);
        }
    }

    private static Mat BrightestChannel(Mat display)
    {
        var channels = display.Split();
        var brightest = channels[0].Clone();
        foreach (var channel in channels)
        {
            Cv2.Max(brightest, channel, brightest);
            channel.Dispose();
        }

        return brightest;
    }

    private static Mat Masked(Mat image, Mat mask)
    {
        var masked = new Mat(image.Rows, image.Cols, image.Type(), Scalar.All(0));
        image.CopyTo(masked, mask);
        return masked;
    }

    private static Mat ToGrey(Mat display)
    {
        var grey = new Mat();
        if (display.Channels() == 3)
        {
            Cv2.CvtColor(display, grey, ColorConversionCodes.BGR2GRAY);
        }
        else
        {
            display.CopyTo(grey);
        }

        return grey;
    }

    private static bool IsEffectivelyGrey(Mat display)
    {
        var channels = display.Split();
        try
        {
            using var diffBg = new Mat();
            using var diffGr = new Mat();
            Cv2.Absdiff(channels[0], channels[1], diffBg);
            Cv2.Absdiff(channels[1], channels[2], diffGr);
            using var diff = new Mat();
            Cv2.Max(diffBg, diffGr, diff);
            using var coloured = new Mat();
            Cv2.Threshold(diff, coloured, 24, 255, ThresholdTypes.Binary);
            return Cv2.CountNonZero(coloured) < display.Width * display.Height / 1000;
        }
        finally
        {
            foreach (var c in channels)
            {
                c.Dispose();
            }
        }
    }

    private static Mat MaxChannelGradient(Mat display)
    {
        using var kernel = Cv2.GetStructuringElement(MorphShapes.Rect, new Size(3, 3));
        var result = new Mat();
        if (display.Channels() == 1)
        {
            Cv2.MorphologyEx(display, result, MorphTypes.Gradient, kernel);
            return result;
        }

        var channels = display.Split();
        try
        {
            Cv2.MorphologyEx(channels[0], result, MorphTypes.Gradient, kernel);
            using var g = new Mat();
            for (var c = 1; c < channels.Length; c++)
            {
                Cv2.MorphologyEx(channels[c], g, MorphTypes.Gradient, kernel);
                Cv2.Max(result, g, result);
            }

            return result;
        }
        finally
        {
            foreach (var c in channels)
            {
                c.Dispose();
            }
        }
    }
}
