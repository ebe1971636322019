using System.Numerics;

namespace Visage.Gallery;

/// <summary>The stable text form of one <see cref="Purposes"/> value, as the audit log stores and exports it.</summary>
public static class PurposeCodes
{
    private static readonly (Purposes Purpose, string Code)[] Codes =
    [
        (Purposes.CheckIn, "check-in"),
        (Purposes.EmergencyIdentification, "emergency-identification"),
        (Purposes.StepUp, "step-up"),
        (Purposes.Research, "research"),
        (Purposes.DuplicateDetection, "duplicate-detection"),
        (Purposes.Operations, "operations"),
        (Purposes.SecurityReview, "security-review"),
    ];

    /// <summary>Every code, in declaration order, for help text and errors.</summary>
    public static IReadOnlyList<string> All { get; } = Codes.Select(c => c.Code).ToArray();

    /// <summary>Every recognition purpose, one each, in declaration order: what a query or an approval names.</summary>
    public static IReadOnlyList<Purposes> Recognition { get; } = Codes.Select(c => c.Purpose).Where(IsOneRecognitionPurpose).ToArray();

    /// <summary>The code of exactly one purpose; a set or <see cref="Purposes.None"/> has none.</summary>
    public static string ToCode(this Purposes purpose) =>
        Codes.FirstOrDefault(c => c.Purpose == purpose).Code
        ?? throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "An operation has exactly one purpose, one of: " + string.Join(", ", All) + ".");

    public static bool TryParse(string? code, out Purposes purpose)
    {
        foreach (var (candidate, text) in Codes)
        {
            if (string.Equals(text, code, StringComparison.Ordinal))
            {
                purpose = candidate;
                return true;
            }
        }

        purpose = Purposes.None;
        return false;
    }

    /// <summary>True for exactly one recognition purpose.</summary>
    public static bool IsOneRecognitionPurpose(Purposes purpose) => BitOperations.IsPow2((int)purpose) && (purpose & ~Purposes.Recognition) == 0;

    /// <summary>True for a non-empty set of recognition purposes only: what a template may carry.</summary>
    public static bool IsTemplateSet(Purposes purposes) => purposes != Purposes.None && (purposes & ~Purposes.Recognition) == 0;
}
