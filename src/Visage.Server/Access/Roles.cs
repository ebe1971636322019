namespace Visage.Server.Access;

/// <summary>
/// The roles a staff account or an API key can hold, each least-privilege. Staff roles need a password and TOTP; the
/// device roles (kiosk, integrator) are held only by API keys.
/// </summary>
public static class Roles
{
    public const string FrontDesk = "front-desk";
    public const string Clinician = "clinician";
    public const string Reviewer = "reviewer";
    public const string PrivacyOfficer = "privacy-officer";
    public const string SecurityOfficer = "security-officer";
    public const string Administrator = "administrator";
    public const string Integrator = "integrator";
    public const string Kiosk = "kiosk";

    public static IReadOnlyList<string> All { get; } = [FrontDesk, Clinician, Reviewer, PrivacyOfficer, SecurityOfficer, Administrator, Integrator, Kiosk];

    /// <summary>Roles a person signs in to (password and TOTP).</summary>
    public static IReadOnlyList<string> Staff { get; } = [FrontDesk, Clinician, Reviewer, PrivacyOfficer, SecurityOfficer, Administrator];

    /// <summary>Roles a device or another system holds through an API key.</summary>
    public static IReadOnlyList<string> Device { get; } = [Integrator, Kiosk];

    public static bool IsStaff(string role) => Staff.Contains(role, StringComparer.Ordinal);

    public static bool IsDevice(string role) => Device.Contains(role, StringComparer.Ordinal);
}
