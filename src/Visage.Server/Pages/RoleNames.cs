using Visage.Server.Access;

namespace Visage.Server.Pages;

/// <summary>What the pages call each role and each permission: plain words for the people who hold them.</summary>
internal static class RoleNames
{
    private static readonly Dictionary<string, string> Roles = new(StringComparer.Ordinal)
    {
        [Access.Roles.FrontDesk] = "Front desk",
        [Access.Roles.Clinician] = "Clinician",
        [Access.Roles.Reviewer] = "Reviewer",
        [Access.Roles.PrivacyOfficer] = "Privacy officer",
        [Access.Roles.SecurityOfficer] = "Security officer",
        [Access.Roles.Administrator] = "Administrator",
        [Access.Roles.Integrator] = "Integration",
        [Access.Roles.Kiosk] = "Check-in kiosk",
    };

    // In the order a home page lists them.
    private static readonly (string Permission, string Text)[] Permissions =
    [
        (Access.Permissions.Self, "See who you are signed in as, and sign out"),
        (Access.Permissions.SubjectsRegister, "Register a patient"),
        (Access.Permissions.SubjectsRead, "Look up a patient's record"),
        (Access.Permissions.PurposesRead, "See the purposes faces may be used for"),
        (Access.Permissions.PurposesDecide, "Approve or revoke a purpose"),
        (Access.Permissions.ConsentRecord, "Record a patient's consent or its withdrawal"),
        (Access.Permissions.ConsentRead, "See a patient's consent history"),
        (Access.Permissions.Enrol, "Enrol a patient's face"),
        (Access.Permissions.LivenessChallenge, "Start a liveness check"),
        (Access.Permissions.CheckIn, "Check a patient in by face"),
        (Access.Permissions.EmergencyIdentify, "Identify a patient in an emergency (break-glass)"),
        (Access.Permissions.Verify, "Verify a patient by face before opening a record"),
        (Access.Permissions.VerifyUnlock, "Unlock face verification after repeated failures"),
        (Access.Permissions.RightPatient, "Confirm the right patient before a procedure"),
        (Access.Permissions.ReviewRead, "See the review queue"),
        (Access.Permissions.ReviewDecide, "Decide a case in the review queue"),
        (Access.Permissions.ReviewAppeal, "Reopen a decided case on appeal"),
        (Access.Permissions.ReviewReport, "Read the review override report"),
        (Access.Permissions.RetentionRun, "Run retention (delete what is due)"),
        (Access.Permissions.RetentionRead, "See retention runs and their certificates"),
        (Access.Permissions.CertificatesRead, "See deletion certificates"),
        (Access.Permissions.KeysRead, "See the status of the encryption keys"),
        (Access.Permissions.AuditRead, "Search the audit log and verify its chain"),
        (Access.Permissions.DriftRead, "See whether recognition has drifted"),
        (Access.Permissions.AuditDisclosures, "Export the accounting of disclosures"),
        (Access.Permissions.StaffManage, "Create and disable staff accounts"),
        (Access.Permissions.ApiKeysManage, "Create and revoke device and integration keys"),
        (Access.Permissions.Elevate, "Grant a role for a limited time"),
        (Access.Permissions.AccessReview, "Review who holds which access"),
    ];

    public static string Of(string role) => Roles.TryGetValue(role, out var name) ? name : role;

    /// <summary>The plain description of a permission; a permission added without one shows its code.</summary>
    public static string Describe(string permission) => Array.Find(Permissions, p => p.Permission == permission).Text ?? permission;

    /// <summary>The permissions <paramref name="role"/> holds, described ones first in their listed order.</summary>
    public static IEnumerable<string> HeldBy(string role) =>
        RolePermissions.Known.Where(p => RolePermissions.Grants(role, p))
            .OrderBy(p => Array.FindIndex(Permissions, d => d.Permission == p) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(p => p, StringComparer.Ordinal);
}
