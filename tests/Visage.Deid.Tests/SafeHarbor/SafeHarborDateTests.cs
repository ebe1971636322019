using Visage.Deid.SafeHarbor;

namespace Visage.Deid.Tests.SafeHarbor;

public sealed class SafeHarborDateTests
{
    [Fact]
    public void ToYear_DateOnlyAndDateTime_KeepOnlyTheYear()
    {
        Assert.Equal(1961, SafeHarborDate.ToYear(new DateOnly(1961, 3, 14)));
        Assert.Equal(2000, SafeHarborDate.ToYear(new DateTime(2000, 12, 31, 23, 59, 59, DateTimeKind.Utc)));
    }

    [Theory]
    [InlineData("19610314", "1961")]
    [InlineData("20001231 ", "2000")]
    [InlineData("1961.03.14", "1961")]
    [InlineData("", "")]
    [InlineData("20200101-20201231", "2020-2020")]
    [InlineData("-19991231", "-1999")]
    [InlineData("19990101-", "1999-")]
    public void DicomDateToYear_ValidValues_KeepOnlyTheYear(string value, string expected)
    {
        Assert.Equal(expected, SafeHarborDate.DicomDateToYear(value));
    }

    [Fact]
    public void DicomDateToJanuaryFirst_StaysValidDa()
    {
        Assert.Equal("19610101", SafeHarborDate.DicomDateToJanuaryFirst("19610314"));
        Assert.Equal("20200101-20210101", SafeHarborDate.DicomDateToJanuaryFirst("20200301-20210630"));
    }

    [Theory]
    [InlineData("1961031")]
    [InlineData("19611314")]
    [InlineData("19610230")]
    [InlineData("March 1961")]
    public void DicomDateToYear_InvalidValue_ThrowsWithoutQuotingIt(string value)
    {
        var error = Assert.Throws<FormatException>(() => SafeHarborDate.DicomDateToYear(value));
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }
}
