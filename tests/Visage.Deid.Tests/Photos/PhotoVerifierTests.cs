using Visage.Deid.Photos;
using Visage.Deid.Reports;

namespace Visage.Deid.Tests.Photos;

[Collection(PhotoEngineCollection.Name)]
public sealed class PhotoVerifierTests
{
    private readonly PhotoEngineFixture fixture;

    public PhotoVerifierTests(PhotoEngineFixture fixture) => this.fixture = fixture;

    [Fact]
    public void Verify_OriginalWithItsMetadata_ReportsDirectoriesAndValues()
    {
        var original = File.ReadAllBytes(TestData.Path("exif", "github_exiftool_t_images", "GPS.jpg"));
        var metadata = IdentifyingMetadata.Collect(original, PhotoFormat.Jpeg);

        var findings = new PhotoVerifier(fixture.Engine, fixture.Ocr).Verify(original, new PhotoExpectations(metadata.Values, [], null), CancellationToken.None);

        Assert.Contains(findings, f => f.Kind == FindingKind.Metadata && f.Location == "GPS");
        Assert.Contains(findings, f => f.Kind == FindingKind.Metadata && f.Location == "Exif IFD0");
        Assert.Contains(findings, f => f.Kind == FindingKind.OriginalValue);
        Assert.All(findings, f => Assert.DoesNotContain("FinePix", f.Location + f.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_StrippedCopy_HasNoFindings()
    {
        var original = File.ReadAllBytes(TestData.Path("exif", "github_exiftool_t_images", "GPS.jpg"));
        var metadata = IdentifyingMetadata.Collect(original, PhotoFormat.Jpeg);
        var stripped = JpegMetadataStripper.Strip(original).Data;

        var findings = new PhotoVerifier(fixture.Engine, fixture.Ocr).Verify(stripped, new PhotoExpectations(metadata.Values, [], null), CancellationToken.None);

        Assert.Empty(findings);
    }
}
