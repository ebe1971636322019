using Visage.Deid.Redaction;
using Visage.Deid.Text;

namespace Visage.Deid.Tests.Redaction;

public sealed class PhiTextLocatorTests
{
    [Fact]
    public void GroupIntoLines_WordsAtSimilarHeights_FormLeftToRightLines()
    {
        RecognizedWord[] words =
        [
            new("12345678", 120, 12, 90, 20, 90),
            new("KNEE", 10, 60, 50, 22, 90),
            new("MRN", 10, 10, 50, 22, 90),
            new("VIEW", 70, 62, 50, 20, 90),
        ];

        var lines = PhiTextLocator.GroupIntoLines(words);

        Assert.Equal(2, lines.Count);
        Assert.Equal(["MRN", "12345678"], lines[0].Select(w => w.Text));
        Assert.Equal(["KNEE", "VIEW"], lines[1].Select(w => w.Text));
    }
}
