using System.Globalization;
using Visage.Deid.Reports;
using Visage.Deid.Text;

namespace Visage.Deid.Dicom.Pixels;

/// <summary>
/// Independent rescan of cleaned pixel data: OCRs frames with all renderings and reports frames where a word is
/// still readable. Findings name the frame and a count, never the words (they may be PHI). By default a frame with
/// no text-like structure at all is not OCRed (the batch budget); <see cref="Thorough"/> reads every frame.
/// </summary>
internal sealed class PixelTextVerifier
{
    private readonly BurnedInTextFinder finder;
    private readonly int minimumFrameSide;

    public PixelTextVerifier(TesseractOcr ocr, int minimumFrameSide = 48)
    {
        finder = new BurnedInTextFinder(ocr) { MinimumConfidence = 60 };
        this.minimumFrameSide = minimumFrameSide;
    }

    /// <summary>OCR every frame, even one the cheap text-likeness test calls empty.</summary>
    public bool Thorough { get; init; }

    /// <summary>
    /// One <see cref="FindingKind.BurnedInText"/> finding per frame with readable words, plus one of kind
    /// <see cref="FindingKind.OriginalValue"/> or <see cref="FindingKind.PhiPattern"/> when those words contain one
    /// of <paramref name="knownIdentifyingValues"/> or a PHI-shaped string.
    /// </summary>
    public IReadOnlyList<VerificationFinding> Verify(gdcm.Image image, IReadOnlyList<string>? knownIdentifyingValues, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(image);
        var pixels = DicomPixelBuffer.Read(image);
        if (pixels is null)
        {
            return [new VerificationFinding("PixelData", FindingKind.BurnedInText, "Pixel data could not be decoded, so it was not checked for burned-in text.")];
        }

        var detector = new PhiDetector(knownIdentifyingValues);
        var findings = new List<VerificationFinding>();
        foreach (var frame in ReadableWords(pixels, ct).GroupBy(w => w.Frame))
        {
            var location = string.Create(CultureInfo.InvariantCulture, $"PixelData frame {frame.Key}");
            findings.Add(new VerificationFinding(location, FindingKind.BurnedInText,
                string.Create(CultureInfo.InvariantCulture, $"{frame.Count()} word(s) still readable by OCR.")));
            var matches = detector.Find(string.Join(' ', frame.Select(w => w.Word.Text)));
            if (matches.Any(m => m.Kind == PhiKind.KnownIdentifier))
            {
                findings.Add(new VerificationFinding(location, FindingKind.OriginalValue, "Readable text contains an identifying value of this record."));
            }

            foreach (var kind in matches.Where(m => m.Kind != PhiKind.KnownIdentifier).Select(m => m.Kind).Distinct())
            {
                findings.Add(new VerificationFinding(location, FindingKind.PhiPattern,
                    string.Create(CultureInfo.InvariantCulture, $"Readable text looks like a {kind}.")));
            }
        }

        return findings;
    }

    /// <summary>Words OCR can still read, per frame. The text is PHI: for tests and comparisons, never for logs or reports.</summary>
    internal IReadOnlyList<(int Frame, RecognizedWord Word)> ReadableWords(DicomPixelBuffer pixels, CancellationToken ct, IEnumerable<int>? frames = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var words = new List<(int, RecognizedWord)>();
        if (Math.Min(pixels.Rows, pixels.Columns) < minimumFrameSide)
        {
            return words;
        }

        foreach (var frame in frames ?? Enumerable.Range(0, pixels.Frames))
        {
            ct.ThrowIfCancellationRequested();
            using var display = pixels.Render(frame);
            var textLike = BurnedInTextFinder.TextLikeRegions(display);
            if (textLike.Count == 0 && !Thorough)
            {
                continue;
            }

            words.AddRange(finder.ReadWords(display, textLike, ct).Where(w => w.Text.Count(char.IsLetterOrDigit) >= 2).Select(w => (frame, w)));
        }

        return words;
    }
}
