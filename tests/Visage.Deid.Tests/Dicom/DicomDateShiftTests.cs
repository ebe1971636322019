using Visage.Deid.Dicom;

namespace Visage.Deid.Tests.Dicom;

public sealed class DicomDateShiftTests
{
    [Theory]
    [InlineData("20040119", false, -19, "20031231")]
    [InlineData("20040301", false, -1, "20040229")]
    [InlineData("20040119\\20040120", false, -1, "20040118\\20040119")]
    [InlineData("20040101-20040131", false, -1, "20031231-20040130")]
    [InlineData("-20040131", false, -1, "-20040130")]
    [InlineData("1994.01.30", false, -30, "19931231")]
    [InlineData("20040119072730.123456+0100", true, -19, "20031231072730.123456+0100")]
    [InlineData("2004", true, -1, "2003")]
    [InlineData("200403", true, -1, "200402")]
    [InlineData("", false, -5, "")]
    public void Shift_ValidDates_MovesWholeDays(string value, bool dateTime, int days, string expected)
    {
        Assert.Equal(expected, DicomDateShift.Shift(value, dateTime, days));
    }

    [Theory]
    [InlineData("30 JAN 94", false)]
    [InlineData("20041340", false)]
    [InlineData("2004", false)]
    [InlineData("00010101", false)]
    [InlineData("hello", true)]
    public void Shift_UnreadableDates_ReturnsNull(string value, bool dateTime)
    {
        Assert.Null(DicomDateShift.Shift(value, dateTime, -400));
    }
}
