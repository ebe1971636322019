using System.Text.RegularExpressions;
using Visage.Audit;

namespace Visage.Deid.Text;

/// <summary>
/// The audit chain's free-text screen: the same <see cref="PhiDetector"/> that checks de-identified output, so an
/// audit reason with a date, a phone number, a record number or one of the given known values (e.g. the names of
/// the patients a host serves) is refused before it reaches the log. Pattern-free names are caught only as known values.
/// Identifiers Visage generates itself (SHA-256 digests, certificate and subject ids, pseudonymous file names: runs of
/// 20 or more lower-case hex digits with at least one letter, and GUIDs) are not searched: eight digits inside a
/// digest would otherwise read as a compact date about once in 5,000 files. A record number of digits only is still found.
/// </summary>
public sealed partial class PhiAuditTextScreen(PhiDetector detector) : IAuditTextScreen
{
    public PhiAuditTextScreen()
        : this(new PhiDetector())
    {
    }

    public string? FindIdentifier(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return detector.Find(GeneratedIdentifier().Replace(text, " ")) is [var first, ..] ? first.Kind.ToString() : null;
    }

    [GeneratedRegex(@"(?<![0-9A-Za-z])(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[0-9a-f]*[a-f])[0-9a-f]{20,})(?![0-9A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex GeneratedIdentifier();
}
