using System.Text;
using Visage.Deid.Dicom;

namespace Visage.Deid.Tests.Dicom;

public sealed class DicomCharacterSetTests
{
    static DicomCharacterSetTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Theory]
    [InlineData("ISO_IR 126", 28597, "Διονυσιος")]
    [InlineData("ISO_IR 144", 28595, "Люкceмбypг")]
    [InlineData("ISO_IR 138", 28598, "שרון^דבורה")]
    [InlineData("ISO_IR 100", 28591, "Buc^Jérôme")]
    [InlineData("ISO_IR 192", 65001, "Wang^XiaoDong=王^小東")]
    [InlineData("GB18030", 54936, "Wang^XiaoDong=王^小东")]
    public void Decode_SingleCharacterSet_ReadsTheName(string term, int codePage, string name)
    {
        var bytes = Encoding.GetEncoding(codePage).GetBytes(name);
        Assert.Equal(name, DicomCharacterSet.FromTerms(term).Decode(bytes));
    }

    [Fact]
    public void Decode_Iso2022Japanese_FollowsEscapeSequences()
    {
        // "Yamada^Tarou=" then 山田^太郎 in JIS X 0208 (ESC $ B), back to ASCII with ESC ( B.
        var bytes = Encoding.ASCII.GetBytes("Yamada^Tarou=")
            .Concat(new byte[] { 0x1B, 0x24, 0x42, 0x3B, 0x33, 0x45, 0x44, 0x1B, 0x28, 0x42, (byte)'^', 0x1B, 0x24, 0x42, 0x42, 0x40, 0x4F, 0x3A, 0x1B, 0x28, 0x42 })
            .ToArray();
        Assert.Equal("Yamada^Tarou=山田^太郎", DicomCharacterSet.FromTerms("\\ISO 2022 IR 87").Decode(bytes));
    }

    [Fact]
    public void Decode_Iso2022Korean_ReadsTheG1Set()
    {
        var korean = Encoding.GetEncoding(51949).GetBytes("홍^길동");
        var bytes = Encoding.ASCII.GetBytes("Hong^Gildong=").Concat(new byte[] { 0x1B, 0x24, 0x29, 0x43 }).Concat(korean).ToArray();
        Assert.Equal("Hong^Gildong=홍^길동", DicomCharacterSet.FromTerms("\\ISO 2022 IR 149").Decode(bytes));
    }

    [Fact]
    public void Decode_NoCharacterSet_IsLossless()
    {
        byte[] bytes = [0x41, 0xE9, 0x42];
        Assert.Equal("AéB", DicomCharacterSet.FromTerms(null).Decode(bytes));
    }
}
