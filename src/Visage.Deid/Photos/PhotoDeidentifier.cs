using OpenCvSharp;
using Visage.Deid.Batch;
using Visage.Deid.Redaction;
using Visage.Deid.Reports;
using Visage.Deid.Text;
using Visage.Face;

namespace Visage.Deid.Photos;

/// <summary>
/// De-identifies one photo: removes all metadata (losslessly for JPEG, PNG and WebP when no pixel changes), turns
/// the pixels upright when EXIF orientation says so, redacts faces, PHI text and hand-marked regions, writes the
/// result and re-checks it with <see cref="PhotoVerifier"/>.
/// </summary>
public sealed class PhotoDeidentifier : IFileDeidentifier
{
    private readonly FaceEngine engine;
    private readonly PhotoDeidOptions options;
    private readonly PhiTextLocator textLocator;
    private readonly PhotoVerifier verifier;

    public PhotoDeidentifier(FaceEngine engine, TesseractOcr ocr, PhotoDeidOptions options)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(ocr);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Margin);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Margin, 2.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.JpegQuality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.JpegQuality, 100);
        if (options.FaceSelection == FaceSelection.AllButChosen && options.KeepFace is null)
        {
            throw new ArgumentException("Keeping a chosen face needs the box of the face to keep (KeepFace).", nameof(options));
        }

        this.engine = engine;
        this.options = options;
        textLocator = new PhiTextLocator(ocr);
        verifier = new PhotoVerifier(engine, ocr);
    }

    public string OutputExtension(string inputPath)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        if (options.OutputFormat == PhotoOutputFormat.Png)
        {
            return ".png";
        }

        var head = new byte[16];
        var read = 0;
        try
        {
            using var stream = File.OpenRead(inputPath);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Deidentify reports the unreadable file; the name's own extension is as good as any here.
        }

        return PhotoFormatSniffer.Sniff(head.AsSpan(0, read)) switch
        {
            PhotoFormat.Unknown or PhotoFormat.Heif => Path.GetExtension(inputPath).ToLowerInvariant(),
            var format => PhotoFormatSniffer.Extension(format),
        };
    }

    public DeidFileReport Deidentify(string inputPath, string relativePath, string outputPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(outputPath);
        var written = false;
        try
        {
            var original = File.ReadAllBytes(inputPath);
            var result = Deidentify(original, cancellationToken);
            File.WriteAllBytes(outputPath, result.Data);
            written = true;
            var findings = verifier.Verify(File.ReadAllBytes(outputPath), result.Expectations, cancellationToken);
            return new DeidFileReport(relativePath, Path.GetFileName(outputPath), DeidStatus.Deidentified, null, result.Actions, result.Redactions, findings, result.NeedsReview);
        }
        catch (OperationCanceledException)
        {
            DeleteIfWritten(outputPath, written);
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            DeleteIfWritten(outputPath, written);
            return DeidFileReport.Failed(relativePath, SafeMessage(ex));
        }
    }

    /// <summary>The de-identified bytes and what was done; nothing is written.</summary>
    internal PhotoResult Deidentify(byte[] original, CancellationToken cancellationToken)
    {
        var format = PhotoFormatSniffer.Sniff(original);
        if (format == PhotoFormat.Heif)
        {
            throw new PhotoFormatException("HEIC is not supported here: nothing installed decodes HEIF images.");
        }

        if (format == PhotoFormat.Unknown)
        {
            throw new PhotoFormatException("The file is not a supported image (JPEG, PNG, WebP or TIFF).");
        }

        var stripped = Strip(original, format);
        IdentifyingMetadata metadata;
        try
        {
            metadata = IdentifyingMetadata.Collect(original, format);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new PhotoFormatException("The image's metadata could not be read, so its removal could not be verified.", ex);
        }

        if (metadata.CorruptExif)
        {
            throw new PhotoFormatException("The EXIF block is corrupt, so the image's orientation and metadata cannot be trusted.");
        }

        using var decoded = engine.Decode(original);
        var actions = new List<DeidAction>();
        var needsReview = new List<string>();
        var regions = new List<(RedactionSource Source, Rect Box)>();
        var redactedFaces = RedactFaces(decoded, regions, needsReview);
        PhiDetector? textDetector = null;
        if (options.RedactText)
        {
            textDetector = new PhiDetector(options.KnownIdentifyingValues);
            foreach (var text in textLocator.Locate(decoded.Bgr, textDetector, options.RedactAllText, cancellationToken))
            {
                regions.Add((RedactionSource.Text, RegionRedactor.Expand(text.Box, options.Margin, decoded.Width, decoded.Height)));
            }
        }

        foreach (var manual in options.ManualRegions)
        {
            var box = new Rect(manual.Left, manual.Top, manual.Width, manual.Height) & new Rect(0, 0, decoded.Width, decoded.Height);
            if (box.Width > 0 && box.Height > 0)
            {
                regions.Add((RedactionSource.Manual, box));
            }
            else
            {
                needsReview.Add("A manually marked region lies outside the image and was not applied.");
            }
        }

        regions.RemoveAll(r => r.Box.Width <= 0 || r.Box.Height <= 0);
        var outputFormat = options.OutputFormat == PhotoOutputFormat.Png ? PhotoFormat.Png : format;
        byte[] data;
        if (decoded.Orientation == 1 && regions.Count == 0 && outputFormat == format && stripped is not null)
        {
            data = stripped.Data;
            actions.Add(new DeidAction("pixels", DeidActionKind.Kept, "Compressed image data copied unchanged (lossless)."));
        }
        else
        {
            data = Reencode(original, decoded, regions, outputFormat, actions);
        }

        foreach (var kind in (stripped?.RemovedKinds ?? []).Concat(metadata.Kinds).Distinct(StringComparer.Ordinal))
        {
            actions.Add(new DeidAction(kind, DeidActionKind.Removed, "Metadata block removed."));
        }

        if (format == PhotoFormat.Tiff)
        {
            actions.Add(new DeidAction("TIFF tags", DeidActionKind.Removed, "TIFF metadata lives in the IFD: the pixels were re-encoded into a new file with layout tags only."));
        }

        var redactions = regions.Select(r => new PixelRedaction(r.Source, 0, r.Box.X, r.Box.Y, r.Box.Width, r.Box.Height)).ToList();
        foreach (var group in regions.GroupBy(r => r.Source))
        {
            actions.Add(new DeidAction($"pixels: {group.Key}", DeidActionKind.Redacted, $"{group.Count()} region(s) redacted ({options.RedactionStyle})."));
        }

        return new PhotoResult(data, actions, redactions, needsReview, new PhotoExpectations(metadata.Values, redactedFaces, textDetector));
    }

    private static StrippedImage? Strip(byte[] original, PhotoFormat format) => format switch
    {
        PhotoFormat.Jpeg => JpegMetadataStripper.Strip(original),
        PhotoFormat.Png => PngMetadataStripper.Strip(original),
        PhotoFormat.WebP => WebPMetadataStripper.Strip(original),
        _ => null,
    };

    private List<RedactedFace> RedactFaces(DecodedImage decoded, List<(RedactionSource, Rect)> regions, List<string> needsReview)
    {
        var redacted = new List<RedactedFace>();
        if (!options.RedactFaces)
        {
            return redacted;
        }

        var faces = engine.Detect(decoded);
        var keep = options.FaceSelection switch
        {
            FaceSelection.AllButLargest => faces.Count > 0 ? faces[0] : null,
            FaceSelection.AllButChosen => ChosenFace(faces, options.KeepFace!),
            _ => null,
        };
        if (options.FaceSelection == FaceSelection.AllButChosen && keep is null && faces.Count > 0)
        {
            needsReview.Add("The face chosen to keep was not found; every face was redacted.");
        }

        foreach (var face in faces.Where(f => !ReferenceEquals(f, keep)))
        {
            using (var aligned = FaceEngine.Align(decoded, face))
            {
                redacted.Add(new RedactedFace(face, engine.Embed(aligned)));
            }

            var box = new Rect((int)Math.Floor(face.Box.X), (int)Math.Floor(face.Box.Y), (int)Math.Ceiling(face.Box.Width), (int)Math.Ceiling(face.Box.Height));
            regions.Add((RedactionSource.Face, RegionRedactor.Expand(box, options.Margin, decoded.Width, decoded.Height)));
        }

        return redacted;
    }

    private static DetectedFace? ChosenFace(IReadOnlyList<DetectedFace> faces, ImageRegion keep)
    {
        var target = new FaceBox(keep.Left, keep.Top, keep.Width, keep.Height);
        var best = faces.MaxBy(f => f.Box.IntersectionOverUnion(target));
        return best is not null && best.Box.IntersectionOverUnion(target) > 0 ? best : null;
    }

    private byte[] Reencode(byte[] original, DecodedImage decoded, List<(RedactionSource Source, Rect Box)> regions, PhotoFormat outputFormat, List<DeidAction> actions)
    {
        // Without orientation or redaction the pixels are taken as stored (bit depth and alpha kept).
        var asStored = decoded.Orientation == 1 && regions.Count == 0 ? Cv2.ImDecode(original, ImreadModes.Unchanged | ImreadModes.IgnoreOrientation) : null;
        using var pixels = asStored is not null && !asStored.Empty() ? asStored : decoded.Bgr.Clone();
        if (!ReferenceEquals(pixels, asStored))
        {
            asStored?.Dispose();
        }

        foreach (var region in regions)
        {
            RegionRedactor.Apply(pixels, region.Box, options.RedactionStyle);
        }

        if (decoded.Orientation != 1)
        {
            actions.Add(new DeidAction("EXIF orientation", DeidActionKind.Replaced, $"Orientation {decoded.Orientation} applied to the pixels, which were re-encoded (not lossless)."));
        }

        var (extension, parameters, description) = outputFormat switch
        {
            PhotoFormat.Jpeg => (".jpg", new[] { new ImageEncodingParam(ImwriteFlags.JpegQuality, options.JpegQuality) }, $"JPEG quality {options.JpegQuality}"),
            PhotoFormat.Png => (".png", [], "PNG"),
            // WebP quality above 100 selects lossless coding.
            PhotoFormat.WebP => (".webp", [new ImageEncodingParam(ImwriteFlags.WebPQuality, 101)], "lossless WebP"),
            PhotoFormat.Tiff => (".tif", [], "TIFF"),
            _ => throw new PhotoFormatException("The output format is not supported."),
        };
        Cv2.ImEncode(extension, pixels, out var encoded, parameters);
        if (encoded is null || encoded.Length == 0)
        {
            throw new PhotoFormatException("The image could not be re-encoded.");
        }

        actions.Add(new DeidAction("pixels", DeidActionKind.Replaced, $"Pixels re-encoded as {description} into a new file without metadata."));
        // The encoder's own headers (e.g. libjpeg's JFIF) go through the same filter as any input.
        return Strip(encoded, outputFormat)?.Data ?? encoded;
    }

    private static void DeleteIfWritten(string outputPath, bool written)
    {
        if (written && File.Exists(outputPath))
        {
            File.Delete(outputPath);
        }
    }

    private static string SafeMessage(Exception ex) => ex switch
    {
        PhotoFormatException or ImageDecodeException or OcrException => ex.Message,
        IOException or UnauthorizedAccessException => "The file could not be read or the output could not be written.",
        _ => $"De-identification failed ({ex.GetType().Name}).",
    };
}

/// <summary>A de-identified photo in memory, with what was done to it and what its verification must check.</summary>
internal sealed record PhotoResult(
    byte[] Data,
    IReadOnlyList<DeidAction> Actions,
    IReadOnlyList<PixelRedaction> Redactions,
    IReadOnlyList<string> NeedsReview,
    PhotoExpectations Expectations);
