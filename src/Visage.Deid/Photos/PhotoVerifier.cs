using System.Globalization;
using System.Text;
using MetadataExtractor;
using MetadataExtractor.Formats.Adobe;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.FileType;
using MetadataExtractor.Formats.Jfif;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Png;
using MetadataExtractor.Formats.WebP;
using Visage.Deid.Redaction;
using Visage.Deid.Reports;
using Visage.Deid.Text;
using Visage.Face;

namespace Visage.Deid.Photos;

/// <summary>A face that was redacted: where it was in the original (upright) and what the engine made of it.</summary>
internal sealed record RedactedFace(DetectedFace Face, FaceEmbedding Embedding);

/// <summary>What the output must not contain any more.</summary>
internal sealed record PhotoExpectations(
    IReadOnlyList<IdentifyingValue> OriginalValues,
    IReadOnlyList<RedactedFace> RedactedFaces,
    PhiDetector? TextDetector);

/// <summary>
/// Re-reads a de-identified photo independently of how it was written: MetadataExtractor must find only
/// structural directories, no identifying value of the original may appear in its bytes, no face the engine finds
/// may match a redacted original face, and (when text was redacted) OCR must read no PHI.
/// </summary>
internal sealed class PhotoVerifier
{
    /// <summary>Directories that describe only how to decode pixels. Anything else in an output is a finding.</summary>
    internal static readonly IReadOnlySet<Type> StructuralDirectories = new HashSet<Type>
    {
        typeof(JpegDirectory), typeof(JfifDirectory), typeof(HuffmanTablesDirectory), typeof(AdobeJpegDirectory),
        typeof(PngDirectory), typeof(WebPDirectory), typeof(FileTypeDirectory), typeof(ExifIfd0Directory),
    };

    /// <summary>PNG chunks whose directories are structural (the ones the stripper keeps).</summary>
    internal static readonly IReadOnlySet<string> StructuralPngChunks = new HashSet<string>(StringComparer.Ordinal)
    {
        "IHDR", "PLTE", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "pHYs",
    };

    /// <summary>
    /// TIFF's IFD0 is read as "Exif IFD0"; only tags that lay out pixels are allowed in it (no make, model, date,
    /// artist, software, description or sub-IFD pointers).
    /// </summary>
    internal static readonly IReadOnlySet<int> StructuralTiffTags = new HashSet<int>
    {
        0x00FE, 0x0100, 0x0101, 0x0102, 0x0103, 0x0106, 0x0111, 0x0112, 0x0115, 0x0116, 0x0117, 0x011A, 0x011B,
        0x011C, 0x0128, 0x013D, 0x0140, 0x0142, 0x0143, 0x0144, 0x0145, 0x0152, 0x0153, 0x0147,
    };

    private readonly FaceEngine engine;
    private readonly PhiTextLocator textLocator;

    public PhotoVerifier(FaceEngine engine, TesseractOcr ocr)
    {
        ArgumentNullException.ThrowIfNull(engine);
        this.engine = engine;
        textLocator = new PhiTextLocator(ocr);
    }

    public IReadOnlyList<VerificationFinding> Verify(byte[] output, PhotoExpectations expectations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(expectations);
        var findings = new List<VerificationFinding>();
        var remaining = CheckMetadata(output, PhotoFormatSniffer.Sniff(output) == PhotoFormat.Tiff, findings);
        CheckOriginalValues(output, remaining, expectations.OriginalValues, findings);
        cancellationToken.ThrowIfCancellationRequested();
        if (expectations.RedactedFaces.Count > 0 || expectations.TextDetector is not null)
        {
            using var image = engine.Decode(output);
            CheckFaces(image, expectations.RedactedFaces, findings);
            if (expectations.TextDetector is not null)
            {
                foreach (var region in textLocator.Locate(image.Bgr, expectations.TextDetector, allText: false, cancellationToken))
                {
                    findings.Add(new VerificationFinding(Where(region.Box.X, region.Box.Y, region.Box.Width, region.Box.Height), FindingKind.BurnedInText, $"OCR reads {region.Kind} text in the output."));
                }
            }
        }

        return findings;
    }

    /// <summary>Metadata findings; returns every tag description left, for the original-value check.</summary>
    private static List<string> CheckMetadata(byte[] output, bool isTiff, List<VerificationFinding> findings)
    {
        var descriptions = new List<string>();
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            using var stream = new MemoryStream(output, writable: false);
            directories = ImageMetadataReader.ReadMetadata(stream).ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            findings.Add(new VerificationFinding("metadata", FindingKind.Metadata, "The independent metadata reader could not read the output."));
            return descriptions;
        }

        foreach (var directory in directories)
        {
            // IFD0 is structural only in a TIFF; in any other format it is an EXIF block.
            if (!StructuralDirectories.Contains(directory.GetType()) || (directory is ExifIfd0Directory && !isTiff))
            {
                findings.Add(new VerificationFinding(directory.Name, FindingKind.Metadata, "A metadata directory remains in the output."));
                continue;
            }

            if (directory is PngDirectory png && !StructuralPngChunks.Contains(png.GetPngChunkType().Identifier))
            {
                findings.Add(new VerificationFinding(directory.Name, FindingKind.Metadata, "A non-structural PNG chunk remains in the output."));
                continue;
            }

            foreach (var tag in directory.Tags)
            {
                if (directory is ExifIfd0Directory && !StructuralTiffTags.Contains(tag.Type))
                {
                    findings.Add(new VerificationFinding(
                        string.Create(CultureInfo.InvariantCulture, $"{directory.Name} tag 0x{tag.Type:X4}"),
                        FindingKind.Metadata,
                        "A non-structural TIFF tag remains in the output."));
                }

                // The file-type directory is the reader's own guess ("image/jpeg"), not stored in the file.
                if (directory is not FileTypeDirectory)
                {
                    descriptions.Add(tag.Description ?? string.Empty);
                }
            }
        }

        return descriptions;
    }

    private static void CheckOriginalValues(byte[] output, List<string> remaining, IReadOnlyList<IdentifyingValue> values, List<VerificationFinding> findings)
    {
        foreach (var value in values)
        {
            var leaked = output.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value.Value)) >= 0
                || output.AsSpan().IndexOf(Encoding.Unicode.GetBytes(value.Value)) >= 0
                || remaining.Any(d => d.Contains(value.Value, StringComparison.Ordinal));
            if (leaked)
            {
                findings.Add(new VerificationFinding(value.Source, FindingKind.OriginalValue, "A metadata value of the original appears in the output."));
            }
        }
    }

    private void CheckFaces(DecodedImage image, IReadOnlyList<RedactedFace> redacted, List<VerificationFinding> findings)
    {
        if (redacted.Count == 0)
        {
            return;
        }

        // Faces the detector still finds anywhere, compared with every redacted original.
        foreach (var face in engine.Detect(image))
        {
            using var aligned = FaceEngine.Align(image, face);
            var embedding = engine.Embed(aligned);
            if (redacted.Any(r => r.Embedding.Similarity(embedding) >= engine.MatchThreshold))
            {
                findings.Add(new VerificationFinding(Where(face.Box), FindingKind.RecognizableFace, "A face in the output matches a redacted face of the original."));
            }
        }

        // The redacted places themselves, aligned on the original landmarks, in case the detector misses a weakened face.
        foreach (var original in redacted)
        {
            using var aligned = FaceEngine.Align(image, original.Face);
            if (original.Embedding.Similarity(engine.Embed(aligned)) >= engine.MatchThreshold)
            {
                findings.Add(new VerificationFinding(Where(original.Face.Box), FindingKind.RecognizableFace, "A redacted face region still matches its original."));
            }
        }
    }

    private static string Where(FaceBox box) => Where((int)box.X, (int)box.Y, (int)box.Width, (int)box.Height);

    private static string Where(int x, int y, int width, int height) =>
        string.Create(CultureInfo.InvariantCulture, $"pixels ({x},{y} {width}x{height})");
}
