using Visage.Deid.Text;

namespace Visage.Deid.Tests.Text;

public sealed class PhiDetectorTests
{
    [Theory]
    [InlineData("Seen on 03/14/1961 in clinic", PhiKind.Date, "03/14/1961")]
    [InlineData("DOB 3-4-61", PhiKind.Date, "3-4-61")]
    [InlineData("Study 2020.01.05 ankle", PhiKind.Date, "2020.01.05")]
    [InlineData("on 14 Mar 1961.", PhiKind.Date, "14 Mar 1961")]
    [InlineData("on 14-March-61 ok", PhiKind.Date, "14-March-61")]
    [InlineData("Admitted March 14, 1961 late", PhiKind.Date, "March 14, 1961")]
    [InlineData("at Jan. 2nd, 10:22 2020", PhiKind.Date, "Jan. 2nd, 10:22 2020")]
    [InlineData("SSN 123-45-6789.", PhiKind.SocialSecurityNumber, "123-45-6789")]
    [InlineData("call 555-867-5309 now", PhiKind.PhoneNumber, "555-867-5309")]
    [InlineData("call (555) 867-5309 now", PhiKind.PhoneNumber, "(555) 867-5309")]
    [InlineData("call +1 555.867.5309", PhiKind.PhoneNumber, "+1 555.867.5309")]
    [InlineData("mail j.doe+x@example.org today", PhiKind.EmailAddress, "j.doe+x@example.org")]
    [InlineData("see https://example.org/p?id=7 now", PhiKind.WebAddress, "https://example.org/p?id=7")]
    [InlineData("see www.example.org", PhiKind.WebAddress, "www.example.org")]
    [InlineData("host 192.168.10.254 up", PhiKind.IpAddress, "192.168.10.254")]
    [InlineData("MRN: 12345678", PhiKind.RecordNumber, "MRN: 12345678")]
    [InlineData("MRN 12345678", PhiKind.RecordNumber, "MRN 12345678")]
    [InlineData("Patient ID AB-1234", PhiKind.RecordNumber, "Patient ID AB-1234")]
    [InlineData("Accession # 77A123", PhiKind.RecordNumber, "Accession # 77A123")]
    [InlineData("mr no. 99881", PhiKind.RecordNumber, "mr no. 99881")]
    public void Find_PatternShapedIdentifier_IsFoundWithItsSpan(string text, PhiKind kind, string expected)
    {
        var matches = new PhiDetector().Find(text);

        Assert.Contains(matches, m => m.Kind == kind && text.Substring(m.Start, m.Length) == expected);
    }

    [Theory]
    [InlineData("KNEE LATERAL VIEW")]
    [InlineData("Left ankle, 3 views, weight bearing")]
    [InlineData("Contrast 50 ml at 3 ml/s")]
    [InlineData("Series 4 Image 12 of 200")]
    [InlineData("kVp 120 mA 250 slice 1.25")]
    [InlineData("")]
    public void Find_HarmlessText_FindsNothing(string text)
    {
        Assert.Empty(new PhiDetector().Find(text));
        Assert.False(new PhiDetector().Contains(text));
    }

    [Fact]
    public void Find_DicomPersonName_MatchesPartsAndBothWordOrdersIgnoringCase()
    {
        var detector = new PhiDetector(["MARLOWE^PHILIP^^^"]);

        Assert.True(detector.Contains("Patient: Philip Marlowe"));
        Assert.True(detector.Contains("marlowe philip"));
        Assert.True(detector.Contains("MARLOWE"));
        Assert.True(detector.Contains("philip"));
        Assert.False(detector.Contains("Patient: Sam Spade"));
        var match = Assert.Single(detector.Find("Dr. X saw MARLOWE today"));
        Assert.Equal(PhiKind.KnownIdentifier, match.Kind);
        Assert.Equal("Dr. X saw ".Length, match.Start);
        Assert.Equal("MARLOWE".Length, match.Length);
    }

    [Fact]
    public void Find_KnownValueRepeated_FindsEveryOccurrence()
    {
        var matches = new PhiDetector(["AB77X"]).Find("AB77X then ab77x then AB77X");

        Assert.Equal([0, 11, 22], matches.Select(m => m.Start));
    }

    [Fact]
    public void Find_KnownValuesShorterThanThreeOrBlank_AreIgnored()
    {
        var detector = new PhiDetector(["JO", "  ", "^^", "ANN"]);

        Assert.False(detector.Contains("JO was here"));
        Assert.True(detector.Contains("Ann was here"));
    }

    [Fact]
    public void Find_SeveralIdentifiers_AreReturnedInTextOrder()
    {
        var text = "MARLOWE 555-867-5309 03/14/1961";
        var matches = new PhiDetector(["MARLOWE"]).Find(text);

        Assert.Equal([PhiKind.KnownIdentifier, PhiKind.PhoneNumber, PhiKind.Date], matches.Select(m => m.Kind));
        Assert.True(matches.Zip(matches.Skip(1)).All(p => p.First.Start <= p.Second.Start));
    }

    [Theory]
    [InlineData("according to protocol", null)]
    [InlineData("Identification band", null)]
    [InlineData("ACCESSORY VIEW", null)]
    [InlineData("idiopathic", null)]
    [InlineData("UID 1.2.840.10008.5.1.4.1.1.2", null)]
    [InlineData("PLANNING", null)]
    [InlineData("at 2020-03-14T10:22:00", "2020-03-14")]
    [InlineData("DOB 19610314", "19610314")]
    [InlineData("March 2020", "March 2020")]
    [InlineData("(555)867-5309", "(555)867-5309")]
    [InlineData("SSN 123456789", "SSN 123456789")]
    [InlineData("SSN 123 45 6789", "123 45 6789")]
    [InlineData("2003:11:23 18:07:37", "2003:11:23")]
    [InlineData("MR#12345", "MR#12345")]
    [InlineData("Ann Lee", "Ann")]
    public void Find_FalsePositivesAndMissedShapes_FromReview(string text, string? expected)
    {
        var matches = new PhiDetector(["ANN"]).Find(text);
        if (expected is null)
        {
            Assert.Empty(matches);
        }
        else
        {
            Assert.Contains(matches, m => text.Substring(m.Start, m.Length) == expected);
        }
    }

    [Fact]
    public void Find_NullText_IsRefused()
    {
        Assert.Throws<ArgumentNullException>(() => new PhiDetector().Find(null!));
    }
}
