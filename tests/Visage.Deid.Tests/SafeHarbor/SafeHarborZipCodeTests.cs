using Visage.Deid.SafeHarbor;

namespace Visage.Deid.Tests.SafeHarbor;

public sealed class SafeHarborZipCodeTests
{
    [Theory]
    [InlineData("02139", "021")]
    [InlineData("10001-1234", "100")]
    [InlineData("941031234", "941")]
    [InlineData(" 60614 ", "606")]
    [InlineData("03601", "000")]
    [InlineData("05901", "000")]
    [InlineData("89301-0001", "000")]
    [InlineData("82300", "000")]
    [InlineData("03701", "037")]
    [InlineData("55699", "000")]
    [InlineData("55799", "557")]
    public void Generalize_ValidZip_KeepsThreeDigitsOrZeroesRestrictedAreas(string zip, string expected)
    {
        Assert.Equal(expected, SafeHarborZipCode.Generalize(zip));
    }

    [Fact]
    public void RestrictedPrefixes_AreTheSeventeenFromTheGuidance()
    {
        Assert.Equal(17, SafeHarborZipCode.RestrictedPrefixes.Count);
        foreach (var prefix in new[] { "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893" })
        {
            Assert.Equal("000", SafeHarborZipCode.Generalize(prefix + "00"));
        }
    }

    [Theory]
    [InlineData("1234")]
    [InlineData("123456")]
    [InlineData("12a45")]
    [InlineData("12345-67")]
    [InlineData("")]
    public void Generalize_NotAZip_Throws(string zip)
    {
        Assert.False(SafeHarborZipCode.TryGeneralize(zip, out _));
        var error = Assert.Throws<FormatException>(() => SafeHarborZipCode.Generalize(zip));
        Assert.DoesNotContain(zip.Length > 0 ? zip : "\u0001", error.Message, StringComparison.Ordinal);
    }
}
