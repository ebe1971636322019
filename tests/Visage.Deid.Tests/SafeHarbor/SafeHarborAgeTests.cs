using Visage.Deid.SafeHarbor;

namespace Visage.Deid.Tests.SafeHarbor;

public sealed class SafeHarborAgeTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(45, "45")]
    [InlineData(89, "89")]
    [InlineData(90, "90+")]
    [InlineData(104, "90+")]
    public void Generalize_AgesOver89_BecomeNinetyPlus(int years, string expected)
    {
        Assert.Equal(expected, SafeHarborAge.Generalize(years));
    }

    [Fact]
    public void Generalize_NegativeAge_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SafeHarborAge.Generalize(-1));
    }

    [Theory]
    [InlineData("089Y", "089Y")]
    [InlineData("090Y", "090Y")]
    [InlineData("091Y", "090Y")]
    [InlineData("102Y", "090Y")]
    [InlineData("999M", "999M")]
    [InlineData("052W", "052W")]
    [InlineData("030D", "030D")]
    [InlineData("", "")]
    [InlineData("095y", "090Y")]
    public void GeneralizeDicomAge_OverEightyNineYears_Becomes090Y(string value, string expected)
    {
        Assert.Equal(expected, SafeHarborAge.GeneralizeDicomAge(value));
    }

    [Theory]
    [InlineData("90Y")]
    [InlineData("090X")]
    [InlineData("ABCY")]
    public void GeneralizeDicomAge_InvalidValue_Throws(string value)
    {
        Assert.Throws<FormatException>(() => SafeHarborAge.GeneralizeDicomAge(value));
    }
}
