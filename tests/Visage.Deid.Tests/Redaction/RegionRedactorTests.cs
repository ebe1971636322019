using OpenCvSharp;
using Visage.Deid.Redaction;

namespace Visage.Deid.Tests.Redaction;

public sealed class RegionRedactorTests
{
    [Theory]
    [InlineData(RedactionStyle.SolidBox)]
    [InlineData(RedactionStyle.Pixelate)]
    [InlineData(RedactionStyle.Blur)]
    public void Apply_AnyStyle_DestroysDetailInsideAndLeavesOutsideAlone(RedactionStyle style)
    {
        using var image = Noise(120, 160);
        using var original = image.Clone();
        var region = new Rect(40, 30, 60, 50);

        RegionRedactor.Apply(image, region, style);

        using var inside = new Mat(image, region);
        using var insideBefore = new Mat(original, region);
        Cv2.MeanStdDev(inside, out _, out var after);
        Cv2.MeanStdDev(insideBefore, out _, out var before);
        // Random noise has a standard deviation near 74; any of the styles must flatten most of it.
        Assert.True(after.Val0 < before.Val0 / 3, $"{style}: {after.Val0} vs {before.Val0}");
        using var diff = new Mat();
        Cv2.Absdiff(image, original, diff);
        using var outside = diff.Clone();
        outside[region].SetTo(Scalar.All(0));
        Assert.Equal(0, Cv2.CountNonZero(outside.Reshape(1)));
    }

    [Fact]
    public void Apply_RegionPartlyOutside_IsClippedToTheImage()
    {
        using var image = new Mat(50, 50, MatType.CV_8UC3, Scalar.All(200));

        RegionRedactor.Apply(image, new Rect(40, 40, 30, 30), RedactionStyle.SolidBox);

        Assert.Equal(100 * 3, image.Total() * 3 - Cv2.CountNonZero(image.Reshape(1)));
    }

    [Fact]
    public void Expand_Margin_GrowsEverySideAndClips()
    {
        Assert.Equal(new Rect(15, 15, 70, 70), RegionRedactor.Expand(new Rect(25, 25, 50, 50), 0.2, 200, 200));
        Assert.Equal(new Rect(0, 0, 35, 35), RegionRedactor.Expand(new Rect(0, 0, 25, 25), 0.4, 200, 200));
        Assert.Equal(new Rect(8, 8, 14, 14), RegionRedactor.Expand(new Rect(10, 10, 10, 10), 0, 200, 200));
        Assert.Equal(default, RegionRedactor.Expand(new Rect(300, 300, 10, 10), 0.1, 200, 200));
    }

    private static Mat Noise(int height, int width)
    {
        var image = new Mat(height, width, MatType.CV_8UC3);
        Cv2.Randu(image, Scalar.All(0), Scalar.All(255));
        return image;
    }
}
