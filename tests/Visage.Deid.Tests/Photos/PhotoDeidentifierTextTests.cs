using OpenCvSharp;
using Visage.Deid.Photos;
using Visage.Deid.Redaction;
using Visage.Deid.Reports;
using Visage.Deid.Text;

namespace Visage.Deid.Tests.Photos;

[Collection(PhotoEngineCollection.Name)]
public sealed class PhotoDeidentifierTextTests : IDisposable
{
    private readonly PhotoEngineFixture fixture;
    private readonly string folder = Directory.CreateTempSubdirectory("visage-photo-text-").FullName;

    public PhotoDeidentifierTextTests(PhotoEngineFixture fixture) => this.fixture = fixture;

    [Fact]
    public void Deidentify_BurnedInPhi_RemovesPhiAndKeepsHarmlessText()
    {
        var input = WriteImage("label.png", image =>
        {
            Draw(image, "MRN 12345678", 40);
            Draw(image, "DOB 03/14/1961", 130);
            Draw(image, "KNEE LATERAL VIEW", 220);
            Draw(image, "MARLOWE", 310);
        });
        var before = Words(input);
        Assert.Contains("12345678", before);
        Assert.Contains("03/14/1961", before);
        Assert.Contains("LATERAL", before);
        Assert.Contains("MARLOWE", before);

        var report = Deidentify(input, new PhotoDeidOptions
        {
            RedactFaces = false,
            RedactText = true,
            KnownIdentifyingValues = ["MARLOWE^PHILIP"],
            RedactionStyle = RedactionStyle.SolidBox,
        });

        Assert.True(report.Clean, string.Join("; ", report.Findings));
        Assert.Contains(report.Redactions, r => r.Source == RedactionSource.Text);
        var after = Words(Path.Combine(folder, report.Output!));
        Assert.DoesNotContain("12345678", after);
        Assert.DoesNotContain("03/14/1961", after);
        Assert.DoesNotContain("MARLOWE", after);
        Assert.Contains("LATERAL", after);
        Assert.Contains("KNEE", after);
    }

    [Fact]
    public void Deidentify_RedactAllText_RemovesHarmlessTextToo()
    {
        var input = WriteImage("plain.png", image => Draw(image, "KNEE LATERAL VIEW", 120));
        Assert.Contains("LATERAL", Words(input));

        var report = Deidentify(input, new PhotoDeidOptions { RedactFaces = false, RedactText = true, RedactAllText = true });

        Assert.DoesNotContain("LATERAL", Words(Path.Combine(folder, report.Output!)));
    }

    [Fact]
    public void Deidentify_PhiTextLeftInOutput_IsAFinding()
    {
        var input = WriteImage("leak.png", image => Draw(image, "MRN 12345678", 120));

        // Text redaction is off, so only the verifier's OCR pass (given the detector) can notice the number.
        var bytes = File.ReadAllBytes(input);
        var findings = new PhotoVerifier(fixture.Engine, fixture.Ocr)
            .Verify(bytes, new PhotoExpectations([], [], new PhiDetector()), CancellationToken.None);

        Assert.Contains(findings, f => f.Kind == FindingKind.BurnedInText);
    }

    [Fact]
    public void Deidentify_ManualRegions_AreRedactedAndNothingElseChanges()
    {
        var input = WriteImage("noise.png", image => Cv2.Randu(image, Scalar.All(0), Scalar.All(255)), width: 200, height: 120);
        var region = new ImageRegion(30, 20, 50, 40);

        var report = Deidentify(input, new PhotoDeidOptions
        {
            RedactFaces = false,
            ManualRegions = [region, new ImageRegion(500, 500, 10, 10)],
            RedactionStyle = RedactionStyle.SolidBox,
        });

        var redaction = Assert.Single(report.Redactions);
        Assert.Equal(new PixelRedaction(RedactionSource.Manual, 0, 30, 20, 50, 40), redaction);
        Assert.Single(report.NeedsReview);
        using var before = Cv2.ImRead(input);
        using var after = Cv2.ImRead(Path.Combine(folder, report.Output!));
        var inside = new Rect(region.Left, region.Top, region.Width, region.Height);
        using (var roi = new Mat(after, inside))
        {
            Assert.Equal(0, Cv2.CountNonZero(roi.Reshape(1)));
        }

        using var diff = new Mat();
        Cv2.Absdiff(before, after, diff);
        using var grey = diff.Reshape(1);
        var changed = Cv2.CountNonZero(grey);
        Assert.InRange(changed, 1, inside.Width * inside.Height * 3);
        using var outsideMask = new Mat(before.Size(), MatType.CV_8UC1, Scalar.All(255));
        outsideMask[inside].SetTo(Scalar.All(0));
        using var outsideDiff = new Mat();
        Cv2.CvtColor(diff, outsideDiff, ColorConversionCodes.BGR2GRAY);
        Assert.Equal(0, Cv2.CountNonZero(outsideDiff & outsideMask));
    }

    [Fact]
    public void Deidentify_ManualRegionOnRotatedJpeg_UsesUprightCoordinates()
    {
        // f6: stored sideways, displayed after a 90 degree turn; the region is given in displayed coordinates.
        var input = TestData.Path("exif", "debian_goexif", "f6-exif.jpg");
        using var upright = fixture.Engine.Decode(File.ReadAllBytes(input));
        var region = new ImageRegion(0, 0, upright.Width / 2, upright.Height / 4);

        var report = Deidentify(input, new PhotoDeidOptions { RedactFaces = false, ManualRegions = [region], RedactionStyle = RedactionStyle.SolidBox });

        using var after = Cv2.ImRead(Path.Combine(folder, report.Output!), ImreadModes.Grayscale | ImreadModes.IgnoreOrientation);
        Assert.Equal(upright.Width, after.Width);
        using var roi = new Mat(after, new Rect(2, 2, region.Width - 4, region.Height - 4));
        Assert.True(Cv2.Mean(roi).Val0 < 8);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private DeidFileReport Deidentify(string input, PhotoDeidOptions options)
    {
        var deidentifier = new PhotoDeidentifier(fixture.Engine, fixture.Ocr, options);
        var target = Path.Combine(folder, Guid.NewGuid().ToString("N") + deidentifier.OutputExtension(input));
        var report = deidentifier.Deidentify(input, Path.GetFileName(input), target, CancellationToken.None);
        Assert.Equal(DeidStatus.Deidentified, report.Status);
        return report;
    }

    private List<string> Words(string path)
    {
        using var image = Cv2.ImRead(path);
        return fixture.Ocr.Recognize(image).Select(w => w.Text).ToList();
    }

    private string WriteImage(string name, Action<Mat> draw, int width = 900, int height = 380)
    {
        using var image = new Mat(height, width, MatType.CV_8UC3, Scalar.All(255));
        draw(image);
        var path = Path.Combine(folder, name);
        Cv2.ImWrite(path, image);
        return path;
    }

    private static void Draw(Mat image, string text, int baseline) =>
        Cv2.PutText(image, text, new Point(30, baseline), HersheyFonts.HersheySimplex, 1.6, Scalar.All(0), 3, LineTypes.AntiAlias);
}
