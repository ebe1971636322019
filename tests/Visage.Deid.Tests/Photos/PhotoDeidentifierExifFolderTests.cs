using System.Globalization;
using System.Text;
using MetadataExtractor;
using OpenCvSharp;
using Visage.Deid.Photos;
using Visage.Deid.Reports;

namespace Visage.Deid.Tests.Photos;

[Collection(PhotoEngineCollection.Name)]
public sealed class PhotoDeidentifierExifFolderTests
{
    // Directories an output may have: they only say how to decode the pixels.
    private static readonly HashSet<string> AllowedDirectoryNames = new(StringComparer.Ordinal)
    {
        "JPEG", "JFIF", "Huffman", "Adobe JPEG", "File Type", "WebP",
        "PNG-IHDR", "PNG-PLTE", "PNG-tRNS", "PNG-gAMA", "PNG-cHRM", "PNG-sRGB", "PNG-sBIT", "PNG-pHYs",
    };

    // TIFF tags that identify the camera, person, time or software, and pointers to EXIF/GPS/IPTC/XMP/ICC blocks.
    private static readonly int[] IdentifyingTiffTags = [0x010E, 0x010F, 0x0110, 0x0131, 0x0132, 0x013B, 0x8298, 0x8769, 0x8825, 0x83BB, 0x02BC, 0x8773, 0x9C9D];

    private readonly PhotoEngineFixture fixture;

    public PhotoDeidentifierExifFolderTests(PhotoEngineFixture fixture) => this.fixture = fixture;

    private ExifFolderRun Run => fixture.ExifRun;

    private IEnumerable<ExifFileResult> Succeeded => Run.Files.Where(f => f.Report.Status == DeidStatus.Deidentified);

    [Fact]
    public void Deidentify_CorruptUnsupportedAndNonImageFiles_FailAndWriteNothing()
    {
        static bool ExpectedToFail(string relative) =>
            relative.StartsWith("debian_goexif/corrupt/", StringComparison.Ordinal)
            || Path.GetExtension(relative).ToLowerInvariant() is ".heic" or ".jxl" or ".gif" or ".psd" or ".md" or ".tsv";

        Assert.True(Run.Files.Count >= 60, $"only {Run.Files.Count} files were found");
        var failed = Run.Files.Where(f => f.Report.Status == DeidStatus.Failed).Select(f => f.RelativePath).Order(StringComparer.Ordinal).ToList();
        var expected = Run.Files.Select(f => f.RelativePath).Where(ExpectedToFail).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, failed);
        Assert.All(Run.Files.Where(f => f.Report.Status == DeidStatus.Failed), f =>
        {
            Assert.False(File.Exists(f.OutputPath), f.RelativePath);
            Assert.Null(f.Report.Output);
            Assert.False(string.IsNullOrWhiteSpace(f.Report.Error));
        });
        Assert.All(Run.Files.Where(f => f.RelativePath.EndsWith(".heic", StringComparison.Ordinal)), f =>
            Assert.Contains("HEIC is not supported here", f.Report.Error, StringComparison.Ordinal));
    }

    [Fact]
    public void Deidentify_EveryExifFile_LeavesTheOriginalUnchanged()
    {
        Assert.All(Run.Files, f => Assert.Equal(f.HashBefore, f.HashAfter));
    }

    [Fact]
    public void Deidentify_EverySupportedExifFile_VerifiesCleanAndReportsWhatWasRemoved()
    {
        Assert.True(Succeeded.Count() >= 50);
        Assert.All(Succeeded, f =>
        {
            Assert.True(f.Report.Clean, $"{f.RelativePath}: {string.Join("; ", f.Report.Findings)}");
            Assert.True(File.Exists(f.OutputPath));
        });
        var gps = Succeeded.Single(f => f.RelativePath == "github_exiftool_t_images/GPS.jpg");
        Assert.Contains(gps.Report.Actions, a => a.Target == "EXIF GPS" && a.Kind == DeidActionKind.Removed);
        Assert.Contains(gps.Report.Actions, a => a.Target == "EXIF" && a.Kind == DeidActionKind.Removed);
        var iptc = Succeeded.Single(f => f.RelativePath == "github_exiftool_t_images/IPTC.jpg");
        Assert.Contains(iptc.Report.Actions, a => a.Target == "IPTC");
        var xmp = Succeeded.Single(f => f.RelativePath == "github_exiftool_t_images/XMP.jpg");
        Assert.Contains(xmp.Report.Actions, a => a.Target == "XMP");
    }

    [Fact]
    public void Deidentify_EverySupportedExifFile_LeavesOnlyStructuralDirectories()
    {
        Assert.All(Succeeded, f =>
        {
            var bytes = File.ReadAllBytes(f.OutputPath);
            using var stream = new MemoryStream(bytes);
            var directories = ImageMetadataReader.ReadMetadata(stream);
            var isTiff = bytes[0] is (byte)'I' or (byte)'M';
            foreach (var directory in directories)
            {
                if (isTiff && directory.Name == "Exif IFD0")
                {
                    Assert.DoesNotContain(directory.Tags, t => IdentifyingTiffTags.Contains(t.Type));
                    continue;
                }

                Assert.True(AllowedDirectoryNames.Contains(directory.Name), $"{f.RelativePath}: {directory.Name}");
            }
        });
    }

    [Fact]
    public void Deidentify_EverySupportedExifFile_LeavesNoListedIdentifyingValueInTheBytes()
    {
        var lines = File.ReadAllLines(TestData.Path("exif", "METADATA.tsv"));
        var header = lines[0].Split('\t');
        string[] columns = ["Make", "Model", "DateTimeOriginal", "XMPToolkit", "IPTC_By-line", "Artist", "XMP_Creator", "SerialNumber"];
        var checkedInOriginals = 0;
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split('\t');
            var relative = Path.Combine(fields[0].TrimStart('.', '/'), fields[1]);
            var result = Succeeded.SingleOrDefault(f => f.RelativePath == relative);
            if (result is null)
            {
                continue;
            }

            var original = File.ReadAllBytes(result.InputPath);
            var output = File.ReadAllBytes(result.OutputPath);
            foreach (var column in columns)
            {
                var value = fields[Array.IndexOf(header, column)].Trim();
                if (value is "-" || value.Length < 4)
                {
                    continue;
                }

                // exiftool appends sub-seconds and zones to dates; the stored form is the first 19 characters.
                value = column == "DateTimeOriginal" ? value[..Math.Min(19, value.Length)] : value;
                var needle = Encoding.UTF8.GetBytes(value);
                if (original.AsSpan().IndexOf(needle) >= 0)
                {
                    checkedInOriginals++;
                }

                Assert.True(output.AsSpan().IndexOf(needle) < 0, $"{relative}: {column} survived");
            }
        }

        // The check is only meaningful if the originals really carry these values.
        Assert.True(checkedInOriginals > 60, checkedInOriginals.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Deidentify_JpegWithoutOrientationOrRedaction_KeepsEntropyCodedDataByteIdentical()
    {
        var lossless = Succeeded
            .Where(f => f.OutputPath.EndsWith(".jpg", StringComparison.Ordinal))
            .Where(f => f.Report.Actions.Any(a => a.Target == "pixels" && a.Kind == DeidActionKind.Kept))
            .ToList();
        Assert.True(lossless.Count >= 40, lossless.Count.ToString(CultureInfo.InvariantCulture));
        Assert.All(lossless, f =>
        {
            Assert.Empty(f.Report.Redactions);
            var original = File.ReadAllBytes(f.InputPath);
            var output = File.ReadAllBytes(f.OutputPath);
            // The output has no thumbnail, so its first SOS starts the image's own scans; everything from there to
            // EOI must appear unchanged in the original.
            var scan = output.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xDA]);
            Assert.True(scan > 0);
            Assert.True(original.AsSpan().IndexOf(output.AsSpan(scan)) > 0, f.RelativePath);
            Assert.True(output.Length <= original.Length, f.RelativePath);
        });
    }

    [Fact]
    public void Deidentify_AllEightOrientations_ComeOutUpright()
    {
        for (var orientation = 1; orientation <= 8; orientation++)
        {
            var result = Succeeded.Single(f => f.RelativePath == $"debian_goexif/f{orientation}-exif.jpg");
            var originalBytes = File.ReadAllBytes(result.InputPath);
            using var upright = fixture.Engine.Decode(originalBytes);
            Assert.Equal(orientation, upright.Orientation);
            using var expected = DecodedImagePixels.Copy(upright);
            using var output = fixture.Engine.Decode(File.ReadAllBytes(result.OutputPath));
            Assert.Equal(1, output.Orientation);
            using var actual = DecodedImagePixels.Copy(output);
            Assert.Equal(expected.Size(), actual.Size());
            Assert.True(MeanAbsoluteDifference(expected, actual) < 6, $"orientation {orientation}");
            Assert.Equal(orientation != 1, result.Report.Actions.Any(a => a.Target == "EXIF orientation"));
            using var stored = Cv2.ImDecode(originalBytes, ImreadModes.Color | ImreadModes.IgnoreOrientation);
            if (orientation != 1 && stored.Size() == actual.Size())
            {
                // The stored (sideways or mirrored) pixels must differ clearly from the output.
                Assert.True(MeanAbsoluteDifference(stored, actual) > 20, $"orientation {orientation} was not applied");
            }
        }
    }

    [Fact]
    public void Deidentify_WebPAndPng_DropMetadataChunksLosslessly()
    {
        var webp = Succeeded.Single(f => f.RelativePath == "github_exiftool_t_images/RIFF.webp");
        Assert.Contains(webp.Report.Actions, a => a.Target == "EXIF");
        Assert.Contains(webp.Report.Actions, a => a.Target == "XMP");
        var png = Succeeded.Single(f => f.RelativePath == "github_exiftool_t_images/PNG.png");
        Assert.Contains(png.Report.Actions, a => a.Target is "XMP" or "text");
        foreach (var file in new[] { webp, png })
        {
            using var before = Cv2.ImRead(file.InputPath, ImreadModes.Unchanged);
            using var after = Cv2.ImRead(file.OutputPath, ImreadModes.Unchanged);
            Assert.Equal(0, MeanAbsoluteDifference(before, after));
        }
    }

    [Fact]
    public void Deidentify_ExifFolder_RunsWithinBudget()
    {
        Assert.True(Run.Elapsed < TimeSpan.FromSeconds(60), Run.Elapsed.ToString());
    }

    private static double MeanAbsoluteDifference(Mat a, Mat b)
    {
        using var diff = new Mat();
        Cv2.Absdiff(a, b, diff);
        var mean = Cv2.Mean(diff);
        return Enumerable.Range(0, a.Channels()).Average(c => mean[c]);
    }
}
