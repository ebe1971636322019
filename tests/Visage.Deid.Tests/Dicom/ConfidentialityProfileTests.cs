using Visage.Deid.Dicom;

namespace Visage.Deid.Tests.Dicom;

public sealed class ConfidentialityProfileTests
{
    private static readonly HashSet<ProfileOption> None = [];

    [Fact]
    public void Standard_Table_HasEveryRowOfTableE11()
    {
        var profile = ConfidentialityProfile.Standard;

        // 456 attributes by tag plus the curve, two overlay and private-attribute patterns.
        Assert.Equal(460, profile.Count);
        Assert.Equal("Patient's Name", profile.Find(0x0010, 0x0010)?.Name);
        Assert.Equal("Z", profile.Find(0x0010, 0x0010)?.Basic);
        Assert.Equal("X/Z/U*", profile.Find(0x0008, 0x1140)?.Basic);
        Assert.Equal("K", profile.Find(0x0008, 0x0020)!.OptionCode(ProfileOption.RetainLongitudinalFullDates));
        Assert.Equal("C", profile.Find(0x0008, 0x0020)!.OptionCode(ProfileOption.RetainLongitudinalModifiedDates));
        Assert.Null(profile.Find(0x0008, 0x0060));
    }

    [Fact]
    public void Find_Patterns_MatchCurvesOverlaysAndPrivateGroups()
    {
        var profile = ConfidentialityProfile.Standard;
        Assert.Equal("Curve Data", profile.Find(0x5010, 0x3000)?.Name);
        Assert.Equal("Overlay Data", profile.Find(0x6002, 0x3000)?.Name);
        Assert.Equal("Overlay Comments", profile.Find(0x6000, 0x4000)?.Name);
        Assert.Null(profile.Find(0x6000, 0x0010));
        Assert.Equal("Private attributes", profile.Find(0x0029, 0x1010)?.Name);
        Assert.Equal("Private attributes", profile.Find(0x0009, 0x0010)?.Name);
    }

    [Theory]
    [InlineData(0x0008, 0x0050, nameof(ProfileAction.Empty))] // Z: Accession Number
    [InlineData(0x0010, 0x1040, nameof(ProfileAction.Remove))] // X: Patient's Address
    [InlineData(0x0008, 0x0018, nameof(ProfileAction.NewUid))] // U: SOP Instance UID
    [InlineData(0x0040, 0xA123, nameof(ProfileAction.Dummy))] // D: Person Name
    [InlineData(0x0008, 0x0022, nameof(ProfileAction.Empty))] // X/Z → Z
    [InlineData(0x0018, 0x1030, nameof(ProfileAction.Dummy))] // X/D → D
    [InlineData(0x0008, 0x0023, nameof(ProfileAction.Dummy))] // Z/D → D
    [InlineData(0x0008, 0x0080, nameof(ProfileAction.Dummy))] // X/Z/D → D
    [InlineData(0x0008, 0x2112, nameof(ProfileAction.NewUid))] // X/Z/U* → U
    public void Resolve_BasicProfile_GivesOneConcreteAction(int group, int element, string expected)
    {
        var rule = ConfidentialityProfile.Standard.Find((ushort)group, (ushort)element)!;
        Assert.Equal(Enum.Parse<ProfileAction>(expected), ConfidentialityProfile.Resolve(rule, None));
    }

    [Fact]
    public void Resolve_Options_OverrideTheBasicProfile()
    {
        var profile = ConfidentialityProfile.Standard;
        Assert.Equal(ProfileAction.Clean, ConfidentialityProfile.Resolve(profile.Find(0x0008, 0x103E)!, new HashSet<ProfileOption> { ProfileOption.CleanDescriptors }));
        Assert.Equal(ProfileAction.Remove, ConfidentialityProfile.Resolve(profile.Find(0x0008, 0x103E)!, None));
        Assert.Equal(ProfileAction.ShiftDate, ConfidentialityProfile.Resolve(profile.Find(0x0008, 0x0020)!, new HashSet<ProfileOption> { ProfileOption.RetainLongitudinalModifiedDates }));
        Assert.Equal(ProfileAction.Keep, ConfidentialityProfile.Resolve(profile.Find(0x0008, 0x1010)!, new HashSet<ProfileOption> { ProfileOption.RetainDeviceIdentity }));
        Assert.Equal(ProfileAction.Keep, ConfidentialityProfile.Resolve(profile.Find(0x0010, 0x1010)!, new HashSet<ProfileOption> { ProfileOption.RetainPatientCharacteristics }));
        Assert.Equal(ProfileAction.Keep, ConfidentialityProfile.Resolve(profile.Find(0x0008, 0x0080)!, new HashSet<ProfileOption> { ProfileOption.RetainInstitutionIdentity }));

        // Birth date has no modified-dates option: it stays Z.
        Assert.Equal(ProfileAction.Empty, ConfidentialityProfile.Resolve(profile.Find(0x0010, 0x0030)!, new HashSet<ProfileOption> { ProfileOption.RetainLongitudinalModifiedDates }));

        // Allergies: Retain Patient Characteristics C and Clean Descriptors C both clean.
        Assert.Equal(ProfileAction.Clean, ConfidentialityProfile.Resolve(profile.Find(0x0010, 0x2110)!, new HashSet<ProfileOption> { ProfileOption.RetainPatientCharacteristics, ProfileOption.CleanDescriptors }));
    }

    [Fact]
    public void Parse_MalformedRow_IsRejected()
    {
        Assert.Throws<FormatException>(() => ConfidentialityProfile.Parse("(0010,0010)\tZ\tPatient's Name"));
        Assert.Throws<FormatException>(() => ConfidentialityProfile.Parse("(0010,0010)\tQ\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\tPatient's Name\n(50xx,xxxx)\tX\t-\t-\t-\t-\t-\t-\t-\t-\t-\tC\tCurve Data"));
    }
}
