using Visage.Gallery;
using Visage.Workflows.Recognition;

namespace Visage.Workflows.Consent;

/// <summary>How the consent was given.</summary>
public enum ConsentMethod
{
    KioskSignature,
    WitnessedVerbal,
    ScannedPaper,
}

/// <summary>Who gave it: the patient, or a legal representative on their behalf.</summary>
public enum ConsentGiver
{
    Patient,
    LegalRepresentative,
}

/// <summary>Why a consent stopped being in force.</summary>
public enum ConsentEnd
{
    /// <summary>The person withdrew it; their biometric data was crypto-shredded.</summary>
    Withdrawn,

    /// <summary>A restriction request; their biometric data was crypto-shredded.</summary>
    Restricted,

    /// <summary>It reached its expiry and retention ended it; their biometric data was crypto-shredded.</summary>
    Expired,

    /// <summary>A newer consent replaced it.</summary>
    Superseded,
}

/// <summary>What a person agrees to: the notice version they were given, the purposes, how, by whom and until when.</summary>
/// <param name="EvidenceSha256">SHA-256 of the evidence kept elsewhere (signature image, scanned form); never the evidence itself.</param>
public sealed record ConsentGrant(int NoticeVersion, Purposes Purposes, ConsentMethod Method, ConsentGiver GivenBy, byte[]? EvidenceSha256 = null, DateTimeOffset? Expires = null);

/// <summary>One recorded consent and, once it ended, when, by whom and why.</summary>
public sealed record ConsentRecord(
    Guid Id,
    Guid PersonId,
    int NoticeVersion,
    Purposes Purposes,
    ConsentMethod Method,
    ConsentGiver GivenBy,
    byte[]? EvidenceSha256,
    DateTimeOffset Granted,
    DateTimeOffset? Expires,
    string RecordedBy,
    DateTimeOffset? Ended,
    string? EndedBy,
    ConsentEnd? EndReason)
{
    public bool InForceAt(DateTimeOffset now) => Ended is null && (Expires is null || Expires > now);
}

/// <summary>The stable stored and printed codes of the consent enums (kebab-case).</summary>
public static class ConsentCodes
{
    public static string ToCode(this ConsentMethod method) => method switch
    {
        ConsentMethod.KioskSignature => "kiosk-signature",
        ConsentMethod.WitnessedVerbal => "witnessed-verbal",
        ConsentMethod.ScannedPaper => "scanned-paper",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static string ToCode(this ConsentGiver giver) => giver == ConsentGiver.Patient ? "patient" : "legal-representative";

    public static string ToCode(this ConsentEnd end) => end switch
    {
        ConsentEnd.Withdrawn => "withdrawn",
        ConsentEnd.Restricted => "restricted",
        ConsentEnd.Expired => "expired",
        ConsentEnd.Superseded => "superseded",
        _ => throw new ArgumentOutOfRangeException(nameof(end), end, null),
    };

    public static IReadOnlyList<string> Methods { get; } = Enum.GetValues<ConsentMethod>().Select(m => m.ToCode()).ToArray();

    public static IReadOnlyList<string> Givers { get; } = Enum.GetValues<ConsentGiver>().Select(g => g.ToCode()).ToArray();

    public static bool TryParse(string? code, out ConsentMethod method) => CodeTable.TryParse(code, ToCode, out method);

    public static bool TryParse(string? code, out ConsentGiver giver) => CodeTable.TryParse(code, ToCode, out giver);

    public static bool TryParse(string? code, out ConsentEnd end) => CodeTable.TryParse(code, ToCode, out end);

    /// <summary>A set of recognition purposes as comma-separated codes.</summary>
    public static string PurposeList(Purposes purposes) =>
        string.Join(",", PurposeCodes.Recognition.Where(p => purposes.HasFlag(p)).Select(p => p.ToCode()));
}
