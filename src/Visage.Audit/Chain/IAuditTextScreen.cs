namespace Visage.Audit;

/// <summary>
/// Looks for identifiers in the free text a caller puts into an audit entry (its reason or justification), which is
/// stored in clear and kept for years. The chain refuses an entry the screen objects to, so the operation it records
/// fails instead of writing a name or a birth date into the log. Visage.Deid's <c>PhiAuditTextScreen</c> is the one
/// hosts wire in; the audit library itself does not recognise identifiers.
/// </summary>
public interface IAuditTextScreen
{
    /// <summary>What kind of identifier <paramref name="text"/> holds (e.g. "Date"), or null when it holds none. Never the value.</summary>
    string? FindIdentifier(string text);
}
