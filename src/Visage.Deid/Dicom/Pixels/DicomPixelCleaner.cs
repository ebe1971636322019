using System.Globalization;
using OpenCvSharp;
using Visage.Deid.Redaction;
using Visage.Deid.Reports;
using Visage.Deid.Text;
using Visage.Face;

namespace Visage.Deid.Dicom.Pixels;

/// <summary>
/// The DICOM pixel step (<see cref="DicomPixelStage"/>): blacks out configured regions, all burned-in text (in a
/// medical image every annotation is treated as identifying, not only PHI-shaped words) and, in photographic
/// objects, every detected face, in every frame. Text found in any frame of a multi-frame object is blacked out in
/// all its frames, because overlays sit at fixed places and OCR may miss a word in one frame and read it in the next.
/// Text-like structure that OCR could not read is not blacked out (that would also hit anatomy) but reported as
/// needing review. Cost control: OCR runs only on frames with text-like structure, frames smaller than
/// <see cref="PixelCleaningOptions.MinimumTextFrameSide"/> are skipped, and later frames of a multi-frame object are
/// read only where their text-like rows are not already covered by boxes found so far. Without text cleaning, values
/// given for the batch (<see cref="PixelCleaningOptions.KnownValues"/>) are still looked for: OCR runs the same way
/// and only the words that read as one of them (through <see cref="PhiTextLocator"/>'s matching) are blacked out.
/// </summary>
internal sealed class DicomPixelCleaner
{
    // VL Endoscopic, Microscopic, Slide-Coordinates Microscopic, Photographic and the ophthalmic photography family.
    private const string VisibleLightSopPrefix = "1.2.840.10008.5.1.4.1.1.77.1.";
    private static readonly HashSet<string> PhotographicModalities = new(StringComparer.OrdinalIgnoreCase) { "XC", "ES", "GM", "OP", "SM" };

    private readonly BurnedInTextFinder text;
    private readonly FaceRegionFinder? faces;
    private readonly PixelCleaningOptions options;
    private readonly PhiDetector? knownOnly;

    public DicomPixelCleaner(TesseractOcr ocr, FaceEngine? faceEngine, PixelCleaningOptions options)
    {
        ArgumentNullException.ThrowIfNull(ocr);
        ArgumentNullException.ThrowIfNull(options);
        text = new BurnedInTextFinder(ocr);
        faces = faceEngine is null ? null : new FaceRegionFinder(faceEngine, options.FaceMarginFraction);
        this.options = options;
        knownOnly = !options.CleanText && options.KnownValues.Count > 0 ? new PhiDetector(options.KnownValues) : null;
    }

    /// <summary>
    /// Matches <see cref="DicomPixelStage"/> (<c>DicomPixelStage stage = cleaner.Clean;</c>). Undecodable pixel data
    /// is left untouched and flagged for review; found regions that cannot be written back throw
    /// <see cref="PixelCleaningException"/>, so the caller fails the file instead of releasing it.
    /// </summary>
    public PixelStageResult Clean(gdcm.Image image, DicomObjectInfo info, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(info);
        var review = new List<string>();
        var pixels = DicomPixelBuffer.Read(image);
        if (pixels is null)
        {
            review.Add(Undecodable(image));
            return new PixelStageResult(false, [], review);
        }

        var regions = FindRegions(pixels, info, review, ct);
        if (regions.Count == 0)
        {
            return new PixelStageResult(false, [], review);
        }

        ct.ThrowIfCancellationRequested();
        if (!UncompressedPixelData.Decompress(image) || DicomPixelBuffer.Read(image) is not { } editable
            || editable.Frames != pixels.Frames || editable.Rows != pixels.Rows || editable.Columns != pixels.Columns)
        {
            // Text or a face was found but cannot be removed: fail the file rather than release it.
            throw new PixelCleaningException(string.Create(CultureInfo.InvariantCulture,
                $"Pixel data could not be rewritten uncompressed (transfer syntax {SyntaxOf(image)}, photometric {PhotometricOf(image)})."));
        }

        foreach (var region in regions)
        {
            editable.BlackOut(region.Frame, new Rect(region.Left, region.Top, region.Width, region.Height));
        }

        UncompressedPixelData.Store(image, editable);
        return new PixelStageResult(true, regions, review);
    }

    internal static bool IsPhotographic(DicomObjectInfo info) =>
        PhotographicModalities.Contains(info.Modality?.Trim() ?? string.Empty)
        || (info.SopClassUid?.Trim().StartsWith(VisibleLightSopPrefix, StringComparison.Ordinal) ?? false);

    private List<PixelRedaction> FindRegions(DicomPixelBuffer pixels, DicomObjectInfo info, List<string> review, CancellationToken ct)
    {
        var frameBounds = new Rect(0, 0, pixels.Columns, pixels.Rows);
        var everyFrame = new List<(RedactionSource Source, Rect Box)>();
        foreach (var region in options.Regions.Where(r => r.Matches(info)))
        {
            everyFrame.Add((RedactionSource.Configured, new Rect(region.Left, region.Top, region.Width, region.Height).Intersect(frameBounds)));
        }

        var searchText = (options.CleanText || knownOnly is not null) && Math.Min(pixels.Rows, pixels.Columns) >= options.MinimumTextFrameSide;
        var searchFaces = options.CleanFaces && faces is not null && IsPhotographic(info);
        var textBoxes = new List<Rect>();

        // Where OCR has already read (every word when only given values are blacked out), so later frames skip it.
        var readBoxes = knownOnly is null ? textBoxes : [];
        var perFrame = new List<(int Frame, RedactionSource Source, Rect Box)>();
        var unreadFrames = 0;
        for (var frame = 0; frame < pixels.Frames && (searchText || searchFaces); frame++)
        {
            ct.ThrowIfCancellationRequested();
            using var display = pixels.Render(frame);
            if (searchText)
            {
                var read = FindText(display, readBoxes, frame == 0, ct, out var unread);
                var found = Selected(read);
                if (found.Count > 0)
                {
                    found.AddRange(Selected(FindResidualText(display, [.. textBoxes, .. found], frame == 0, ct)));
                }

                if (knownOnly is not null)
                {
                    readBoxes.AddRange(read.Select(BoxOf));
                }

                textBoxes.AddRange(found);
                unreadFrames += unread ? 1 : 0;
            }

            if (searchFaces)
            {
                perFrame.AddRange(faces!.Find(display).Select(box => (frame, RedactionSource.Face, box)));
            }
        }

        // Later frames were read only where their text-like rows were not covered yet, so a word the partial reads
        // missed can still be legible on one frame, and boxes from other frames change what is left on each. Read
        // every frame again, whole, as it will be written, until a round adds nothing (at most two rounds).
        for (var round = 0; searchText && pixels.Frames > 1 && textBoxes.Count > 0 && round < 2; round++)
        {
            var added = 0;
            for (var frame = 0; frame < pixels.Frames; frame++)
            {
                ct.ThrowIfCancellationRequested();
                using var display = pixels.Render(frame);
                var residual = Selected(FindResidualText(display, textBoxes, firstFrame: true, ct));
                textBoxes.AddRange(residual);
                added += residual.Count;
            }

            if (added == 0)
            {
                break;
            }
        }

        if (unreadFrames > 0)
        {
            review.Add(string.Create(CultureInfo.InvariantCulture,
                $"Pixel data: text-like structure OCR could not read in {unreadFrames} of {pixels.Frames} frame(s); not blacked out, check by eye."));
        }

        everyFrame.AddRange(Merge(textBoxes.Select(b => Pad(b, options.Margin).Intersect(frameBounds))).Select(b => (RedactionSource.Text, b)));
        var redactions = new List<PixelRedaction>();
        for (var frame = 0; frame < pixels.Frames; frame++)
        {
            redactions.AddRange(everyFrame.Where(r => r.Box.Width > 0 && r.Box.Height > 0)
                .Select(r => new PixelRedaction(r.Source, frame, r.Box.Left, r.Box.Top, r.Box.Width, r.Box.Height)));
        }

        redactions.AddRange(perFrame.Select(r => new PixelRedaction(r.Source, r.Frame, r.Box.Left, r.Box.Top, r.Box.Width, r.Box.Height)));
        return redactions;
    }

    // OCR runs only where the cheap pass sees glyph-like rows that earlier frames' text boxes do not already cover
    // (cine loops repeat their overlay); rows no word box covers mean OCR could not read something text-like.
    // Frames after the first skip the full-frame read, a documented trade of recall for time on long cine loops.
    // Every word read, or only those that read as a given value when text cleaning is off.
    private List<Rect> Selected(IReadOnlyList<RecognizedWord> words) =>
        knownOnly is null
            ? [.. words.Select(BoxOf)]
            : [.. PhiTextLocator.Matching(words, knownOnly).Where(m => m.Kind == PhiKind.KnownIdentifier).Select(m => BoxOf(m.Word)).Distinct()];

    private static Rect BoxOf(RecognizedWord word) => new(word.Left, word.Top, word.Width, word.Height);

    private List<RecognizedWord> FindText(Mat display, IReadOnlyList<Rect> alreadyFound, bool firstFrame, CancellationToken ct, out bool unread)
    {
        unread = false;
        var candidates = BurnedInTextFinder.TextLikeRegions(display);
        using var covered = new Mat(display.Rows, display.Cols, MatType.CV_8UC1, Scalar.All(0));
        foreach (var box in alreadyFound)
        {
            Cv2.Rectangle(covered, Pad(box, options.Margin), Scalar.All(255), -1);
        }

        var open = candidates.Where(c => Coverage(covered, c) < 0.8).ToList();
        if (open.Count == 0)
        {
            return [];
        }

        // The first frame is read whole; later frames only where text-like rows are not yet covered.
        var words = text.ReadWords(display, firstFrame ? candidates : open, firstFrame, ct).ToList();
        var uncovered = candidates.Count(c => !words.Select(BoxOf).Concat(alreadyFound).Any(b => b.IntersectsWith(c)));
        unread = uncovered >= options.UnreadTextRowsForReview;
        return words;
    }

    // Blacking out words changes what OCR sees: a lone letter next to a removed word ("W" of "W = 1492") can become
    // readable as a word of its own. One more read of the frame as it will be written catches that.
    private IReadOnlyList<RecognizedWord> FindResidualText(Mat display, IReadOnlyList<Rect> boxes, bool firstFrame, CancellationToken ct)
    {
        using var blacked = display.Clone();
        foreach (var region in Merge(boxes.Select(b => Pad(b, options.Margin))))
        {
            Cv2.Rectangle(blacked, region, Scalar.All(0), -1);
        }

        return text.ReadWords(blacked, BurnedInTextFinder.TextLikeRegions(blacked), firstFrame, ct);
    }

    private static double Coverage(Mat covered, Rect region)
    {
        using var inside = new Mat(covered, region);
        return Cv2.CountNonZero(inside) / (double)(region.Width * region.Height);
    }

    private static Rect Pad(Rect box, int margin) =>
        new(box.Left - margin, box.Top - margin, box.Width + (2 * margin), box.Height + (2 * margin));

    // Overlapping boxes (the same word read by several renderings) become one region.
    private static List<Rect> Merge(IEnumerable<Rect> boxes)
    {
        var merged = boxes.Where(b => b.Width > 0 && b.Height > 0).ToList();
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = 0; i < merged.Count && !changed; i++)
            {
                for (var j = i + 1; j < merged.Count; j++)
                {
                    if (merged[i].IntersectsWith(merged[j]))
                    {
                        merged[i] = merged[i].Union(merged[j]);
                        merged.RemoveAt(j);
                        changed = true;
                        break;
                    }
                }
            }
        }

        return merged;
    }

    private static string Undecodable(gdcm.Image image) => string.Create(CultureInfo.InvariantCulture,
        $"Pixel data could not be decoded (transfer syntax {SyntaxOf(image)}, photometric {PhotometricOf(image)}); burned-in text and faces were not checked.");

    private static string? SyntaxOf(gdcm.Image image) => image.GetTransferSyntax().GetString()?.Trim('\0', ' ');

    private static string? PhotometricOf(gdcm.Image image) => image.GetPhotometricInterpretation().GetString()?.Trim();
}
