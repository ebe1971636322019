using System.Text.RegularExpressions;

namespace Visage.Deid.Text;

/// <summary>Kinds of identifier a pattern can recognise in free text (HIPAA Safe Harbor's pattern-shaped ones).</summary>
public enum PhiKind
{
    Date,
    SocialSecurityNumber,
    PhoneNumber,
    EmailAddress,
    WebAddress,
    IpAddress,
    RecordNumber,
    KnownIdentifier,
}

/// <summary>Where in a string an identifier was found; the value itself is not kept.</summary>
public sealed record PhiMatch(PhiKind Kind, int Start, int Length);

/// <summary>
/// Finds identifiers in free text: pattern-shaped ones (dates, SSNs, phone numbers, e-mail and web addresses, IP
/// addresses, labelled record numbers) and, when given, the exact identifying values of the record at hand (names,
/// IDs), matched case-insensitively and ignoring DICOM's '^' name separators.
/// </summary>
public sealed partial class PhiDetector
{
    private readonly string[] knownValues;

    public PhiDetector(IEnumerable<string>? knownIdentifyingValues = null)
    {
        knownValues = (knownIdentifyingValues ?? [])
            .SelectMany(KnownValueForms)
            .Where(v => v.Length >= 3)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }

    public IReadOnlyList<PhiMatch> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var matches = new List<PhiMatch>();
        Add(matches, PhiKind.Date, NumericDate(), text);
        Add(matches, PhiKind.Date, TextualDate(), text);
        Add(matches, PhiKind.SocialSecurityNumber, Ssn(), text);
        Add(matches, PhiKind.PhoneNumber, Phone(), text);
        Add(matches, PhiKind.EmailAddress, Email(), text);
        Add(matches, PhiKind.WebAddress, Url(), text);
        Add(matches, PhiKind.IpAddress, IpV4(), text);
        Add(matches, PhiKind.RecordNumber, LabelledNumber(), text);
        foreach (var value in knownValues)
        {
            for (var at = text.IndexOf(value, StringComparison.OrdinalIgnoreCase); at >= 0;
                 at = text.IndexOf(value, at + value.Length, StringComparison.OrdinalIgnoreCase))
            {
                // Whole words only: a short surname must not match inside an unrelated word.
                var end = at + value.Length;
                if ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
                {
                    matches.Add(new PhiMatch(PhiKind.KnownIdentifier, at, value.Length));
                }
            }
        }

        matches.Sort((a, b) => a.Start.CompareTo(b.Start));
        return matches;
    }

    public bool Contains(string text) => Find(text).Count > 0;

    private static void Add(List<PhiMatch> matches, PhiKind kind, Regex pattern, string text)
    {
        foreach (Match m in pattern.Matches(text))
        {
            matches.Add(new PhiMatch(kind, m.Index, m.Length));
        }
    }

    // A DICOM person name "DOE^JOHN^^^" is also looked for as its parts and as "JOHN DOE" / "DOE JOHN".
    private static IEnumerable<string> KnownValueForms(string value)
    {
        var trimmed = value.Trim().Trim('^').Trim();
        if (trimmed.Length == 0)
        {
            yield break;
        }

        yield return trimmed;
        if (!trimmed.Contains('^', StringComparison.Ordinal))
        {
            yield break;
        }

        var parts = trimmed.Split('^', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var part in parts)
        {
            yield return part;
        }

        yield return string.Join(' ', parts);
        yield return string.Join(' ', parts.Reverse());
    }

    [GeneratedRegex(@"(?<![\d.])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.:-]\d{1,2}[/.:-]\d{1,2}|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\.?\d)", RegexOptions.CultureInvariant)]
    private static partial Regex NumericDate();

    [GeneratedRegex(@"\b(?:\d{1,2}[ -]?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[ -]?(?:\d{4}|\d{2})|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? (?:\d{2}:\d{2}(?::\d{2})? )?\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,? \d{4})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TextualDate();

    [GeneratedRegex(@"\b\d{3}([- ])\d{2}\1\d{4}\b|\bSSN[:# ]*\d{9}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Ssn();

    [GeneratedRegex(@"(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\b\d{3}[ .-])\d{3}[ .-]\d{4}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    [GeneratedRegex(@"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"\b(?:https?://|www\.)[^\s]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\.?\d)", RegexOptions.CultureInvariant)]
    private static partial Regex IpV4();

    [GeneratedRegex(@"\b(?:MRN|MR#|MR No\.?|Med(?:ical)? Rec(?:ord)?(?: No\.?| Number)?|Acc(?:ession)?(?: No\.?| #)?|Patient ID|PID|ID#?)(?:\s*[:#]\s*|\s+|(?<=#))[A-Z0-9-]*\d[A-Z0-9-]*\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LabelledNumber();
}
