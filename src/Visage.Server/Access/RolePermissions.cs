using System.Collections.Frozen;

namespace Visage.Server.Access;

/// <summary>
/// The authorization matrix as data: which permissions each role holds. Separation of duties: the administrator manages
/// accounts, keys and elevations but reads no patient data; officers oversee but do not recognise anyone; a kiosk can
/// only challenge and check in.
/// </summary>
public static class RolePermissions
{
    private static readonly FrozenDictionary<string, FrozenSet<string>> Matrix = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Roles.FrontDesk] = [Permissions.Self, Permissions.SubjectsRegister, Permissions.SubjectsRead, Permissions.PurposesRead, Permissions.ConsentRecord, Permissions.ConsentRead, Permissions.Enrol, Permissions.LivenessChallenge, Permissions.CheckIn, Permissions.Verify],
        [Roles.Clinician] = [Permissions.Self, Permissions.SubjectsRead, Permissions.PurposesRead, Permissions.ConsentRecord, Permissions.ConsentRead, Permissions.Enrol, Permissions.LivenessChallenge, Permissions.EmergencyIdentify, Permissions.Verify, Permissions.RightPatient, Permissions.ReviewRead, Permissions.ReviewDecide],
        [Roles.Reviewer] = [Permissions.Self, Permissions.PurposesRead, Permissions.ReviewRead, Permissions.ReviewDecide, Permissions.ReviewReport],
        [Roles.PrivacyOfficer] = [Permissions.Self, Permissions.SubjectsRead, Permissions.PurposesRead, Permissions.PurposesDecide, Permissions.ConsentRecord, Permissions.ConsentRead, Permissions.ReviewRead, Permissions.ReviewAppeal, Permissions.ReviewReport, Permissions.RetentionRun, Permissions.RetentionRead, Permissions.CertificatesRead, Permissions.AuditRead, Permissions.AuditDisclosures, Permissions.DriftRead],
        [Roles.SecurityOfficer] = [Permissions.Self, Permissions.PurposesRead, Permissions.VerifyUnlock, Permissions.KeysRead, Permissions.AuditRead, Permissions.AccessReview, Permissions.DriftRead],
        [Roles.Administrator] = [Permissions.Self, Permissions.PurposesRead, Permissions.KeysRead, Permissions.StaffManage, Permissions.ApiKeysManage, Permissions.Elevate, Permissions.AccessReview],
        [Roles.Integrator] = [Permissions.SubjectsRegister, Permissions.LivenessChallenge, Permissions.CheckIn, Permissions.Verify],
        [Roles.Kiosk] = [Permissions.LivenessChallenge, Permissions.CheckIn],
    }.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);

    public static bool Grants(string role, string permission) => Matrix.TryGetValue(role, out var held) && held.Contains(permission);

    /// <summary>The first of <paramref name="roles"/> that holds <paramref name="permission"/> (the role the audit log records), or null.</summary>
    public static string? RoleFor(IEnumerable<string> roles, string permission) => roles.FirstOrDefault(r => Grants(r, permission));

    /// <summary>Every permission any role holds (the matrix test checks each is required by some endpoint).</summary>
    public static IReadOnlyCollection<string> Known { get; } = Matrix.Values.SelectMany(p => p).ToFrozenSet(StringComparer.Ordinal);
}
