namespace Visage.Server.Access;

/// <summary>What an endpoint requires. <see cref="RolePermissions"/> says which role holds which.</summary>
public static class Permissions
{
    public const string Self = "session.self";
    public const string SubjectsRegister = "subjects.register";
    public const string SubjectsRead = "subjects.read";
    public const string PurposesRead = "purposes.read";
    public const string PurposesDecide = "purposes.decide";
    public const string ConsentRecord = "consent.record";
    public const string ConsentRead = "consent.read";
    public const string Enrol = "enrolment.enrol";
    public const string LivenessChallenge = "liveness.challenge";
    public const string CheckIn = "checkin.run";
    public const string EmergencyIdentify = "emergency.identify";
    public const string Verify = "verify.run";
    public const string VerifyUnlock = "verify.unlock";
    public const string RightPatient = "right-patient.confirm";
    public const string ReviewRead = "review.read";
    public const string ReviewDecide = "review.decide";
    public const string ReviewAppeal = "review.appeal";
    public const string ReviewReport = "review.report";
    public const string RetentionRun = "retention.run";
    public const string RetentionRead = "retention.read";
    public const string CertificatesRead = "certificates.read";
    public const string KeysRead = "keys.read";
    public const string AuditRead = "audit.read";
    public const string AuditDisclosures = "audit.disclosures";
    public const string StaffManage = "staff.manage";
    public const string ApiKeysManage = "apikeys.manage";
    public const string Elevate = "elevation.grant";
    public const string AccessReview = "access-review.read";
    public const string DriftRead = "drift.read";
}
