namespace Visage.Storage;

/// <summary>
/// Why a subject's biometric data was destroyed. A closed set of codes, not free text: certificates are signed and
/// kept for years, and a typed reason ("John X DOB ... withdrew") would put PHI in them.
/// </summary>
public enum DeletionReason
{
    /// <summary>The patient or their representative withdrew consent.</summary>
    Withdrawn,

    /// <summary>The consent reached its expiry date.</summary>
    Expired,

    /// <summary>The retention period ended.</summary>
    Retention,

    /// <summary>An erasure or restriction request.</summary>
    Request,

    /// <summary>Enrolled in error (wrong person, duplicate).</summary>
    ErrorCorrection,

    /// <summary>Removed in response to a security or privacy incident.</summary>
    Incident,
}

/// <summary>The stable persisted form of <see cref="DeletionReason"/> (kebab-case codes, as certificates carry them).</summary>
public static class DeletionReasonCodes
{
    private static readonly (DeletionReason Reason, string Code)[] Codes =
    [
        (DeletionReason.Withdrawn, "withdrawn"),
        (DeletionReason.Expired, "expired"),
        (DeletionReason.Retention, "retention"),
        (DeletionReason.Request, "request"),
        (DeletionReason.ErrorCorrection, "error-correction"),
        (DeletionReason.Incident, "incident"),
    ];

    /// <summary>Every code, in declaration order, for help text and errors.</summary>
    public static IReadOnlyList<string> All { get; } = Codes.Select(c => c.Code).ToArray();

    public static string ToCode(this DeletionReason reason) =>
        Codes.FirstOrDefault(c => c.Reason == reason).Code ?? throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown deletion reason.");

    public static bool TryParse(string? code, out DeletionReason reason)
    {
        foreach (var (candidate, text) in Codes)
        {
            if (string.Equals(text, code, StringComparison.Ordinal))
            {
                reason = candidate;
                return true;
            }
        }

        reason = default;
        return false;
    }
}
