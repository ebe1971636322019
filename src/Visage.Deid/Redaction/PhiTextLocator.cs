using OpenCvSharp;
using Visage.Deid.Text;

namespace Visage.Deid.Redaction;

/// <summary>A word box of burned-in text to redact, and which identifier it belongs to (null: all text was asked for).</summary>
internal sealed record TextRegion(Rect Box, PhiKind? Kind);

/// <summary>
/// Finds burned-in text that is PHI: OCR words are grouped into lines so that patterns spanning words
/// ("MRN 12345678", "Jan 5, 2020") are matched on the line, and every word overlapping a match is returned.
/// </summary>
internal sealed class PhiTextLocator
{
    private readonly TesseractOcr ocr;

    public PhiTextLocator(TesseractOcr ocr)
    {
        ArgumentNullException.ThrowIfNull(ocr);
        this.ocr = ocr;
    }

    public IReadOnlyList<TextRegion> Locate(Mat image, PhiDetector detector, bool allText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(detector);
        var words = ocr.Recognize(image, cancellationToken: cancellationToken);
        if (allText)
        {
            return words.Select(w => new TextRegion(BoxOf(w), null)).ToList();
        }

        return Matching(words, detector).Select(m => new TextRegion(BoxOf(m.Word), m.Kind)).DistinctBy(r => r.Box).ToList();
    }

    /// <summary>
    /// The words that take part in an identifier <paramref name="detector"/> finds on their line, each with the kind
    /// found (a word in several matches appears once per match). Shared by photos and DICOM pixel data.
    /// </summary>
    internal static IReadOnlyList<(RecognizedWord Word, PhiKind Kind)> Matching(IReadOnlyList<RecognizedWord> words, PhiDetector detector)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(detector);
        var matched = new List<(RecognizedWord, PhiKind)>();
        foreach (var line in GroupIntoLines(words))
        {
            var text = new System.Text.StringBuilder();
            var starts = new int[line.Count];
            for (var k = 0; k < line.Count; k++)
            {
                if (k > 0)
                {
                    text.Append(' ');
                }

                starts[k] = text.Length;
                text.Append(line[k].Text);
            }

            foreach (var match in detector.Find(text.ToString()))
            {
                for (var k = 0; k < line.Count; k++)
                {
                    var wordEnd = starts[k] + line[k].Text.Length;
                    if (starts[k] < match.Start + match.Length && match.Start < wordEnd)
                    {
                        matched.Add((line[k], match.Kind));
                    }
                }
            }
        }

        return matched;
    }

    /// <summary>Words whose vertical extents overlap by half the smaller height share a line, ordered left to right.</summary>
    internal static IReadOnlyList<IReadOnlyList<RecognizedWord>> GroupIntoLines(IReadOnlyList<RecognizedWord> words)
    {
        var lines = new List<List<RecognizedWord>>();
        foreach (var word in words.OrderBy(w => w.Top))
        {
            var line = lines.FirstOrDefault(l => l.Any(other => SameLine(word, other)));
            if (line is null)
            {
                lines.Add([word]);
            }
            else
            {
                line.Add(word);
            }
        }

        return lines.Select(l => (IReadOnlyList<RecognizedWord>)l.OrderBy(w => w.Left).ToList()).ToList();
    }

    private static bool SameLine(RecognizedWord a, RecognizedWord b)
    {
        var overlap = Math.Min(a.Top + a.Height, b.Top + b.Height) - Math.Max(a.Top, b.Top);
        return overlap >= Math.Min(a.Height, b.Height) / 2.0;
    }

    private static Rect BoxOf(RecognizedWord word) => new(word.Left, word.Top, word.Width, word.Height);
}
