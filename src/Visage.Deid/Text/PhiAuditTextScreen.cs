using Visage.Audit;

namespace Visage.Deid.Text;

/// <summary>
/// The audit chain's free-text screen: the same <see cref="PhiDetector"/> that checks de-identified output, so an
/// audit reason with a date, a phone number, a record number or one of the given known values (e.g. the names of
/// the patients a host serves) is refused before it reaches the log. Pattern-free names are caught only as known values.
/// </summary>
public sealed class PhiAuditTextScreen(PhiDetector detector) : IAuditTextScreen
{
    public PhiAuditTextScreen()
        : this(new PhiDetector())
    {
    }

    public string? FindIdentifier(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return detector.Find(text) is [var first, ..] ? first.Kind.ToString() : null;
    }
}
