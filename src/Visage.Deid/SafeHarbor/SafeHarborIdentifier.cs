namespace Visage.Deid.SafeHarbor;

/// <summary>The 18 identifiers HIPAA's Safe Harbor method (45 CFR 164.514(b)(2)(i)) requires removing, in the rule's order.</summary>
public enum SafeHarborIdentifier
{
    Names = 1,
    GeographicSubdivisions,
    Dates,
    TelephoneNumbers,
    FaxNumbers,
    EmailAddresses,
    SocialSecurityNumbers,
    MedicalRecordNumbers,
    HealthPlanBeneficiaryNumbers,
    AccountNumbers,
    CertificateOrLicenseNumbers,
    VehicleIdentifiers,
    DeviceIdentifiers,
    WebUrls,
    IpAddresses,
    BiometricIdentifiers,
    FullFacePhotographs,
    OtherUniqueIdentifiers,
}

public static class SafeHarborIdentifiers
{
    public static IReadOnlyList<SafeHarborIdentifier> All { get; } = Enum.GetValues<SafeHarborIdentifier>();

    /// <summary>The rule's wording, shortened, for reports and the UI.</summary>
    public static string Describe(this SafeHarborIdentifier identifier) => identifier switch
    {
        SafeHarborIdentifier.Names => "Names",
        SafeHarborIdentifier.GeographicSubdivisions => "Geographic subdivisions smaller than a state (street address, city, county, precinct, ZIP code) except the first three ZIP digits of areas with more than 20,000 people",
        SafeHarborIdentifier.Dates => "All elements of dates (except year) directly related to an individual, and all ages over 89 (aggregated as 90 or older)",
        SafeHarborIdentifier.TelephoneNumbers => "Telephone numbers",
        SafeHarborIdentifier.FaxNumbers => "Fax numbers",
        SafeHarborIdentifier.EmailAddresses => "Electronic mail addresses",
        SafeHarborIdentifier.SocialSecurityNumbers => "Social security numbers",
        SafeHarborIdentifier.MedicalRecordNumbers => "Medical record numbers",
        SafeHarborIdentifier.HealthPlanBeneficiaryNumbers => "Health plan beneficiary numbers",
        SafeHarborIdentifier.AccountNumbers => "Account numbers",
        SafeHarborIdentifier.CertificateOrLicenseNumbers => "Certificate and license numbers",
        SafeHarborIdentifier.VehicleIdentifiers => "Vehicle identifiers and serial numbers, including license plate numbers",
        SafeHarborIdentifier.DeviceIdentifiers => "Device identifiers and serial numbers",
        SafeHarborIdentifier.WebUrls => "Web universal resource locators (URLs)",
        SafeHarborIdentifier.IpAddresses => "Internet protocol (IP) addresses",
        SafeHarborIdentifier.BiometricIdentifiers => "Biometric identifiers, including finger and voice prints",
        SafeHarborIdentifier.FullFacePhotographs => "Full-face photographs and any comparable images",
        SafeHarborIdentifier.OtherUniqueIdentifiers => "Any other unique identifying number, characteristic or code",
        _ => throw new ArgumentOutOfRangeException(nameof(identifier), identifier, "Not a Safe Harbor identifier."),
    };
}
