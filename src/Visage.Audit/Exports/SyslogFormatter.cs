using System.Globalization;
using System.Text;

namespace Visage.Audit;

/// <summary>
/// Formats audit records as RFC 5424 syslog lines (without a trailing newline):
/// <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME visage - ACTION [visage@32473 seq="…" actor="…" …] ACTION OUTCOME</c>.
/// Facility authpriv (10); severity informational (6) for a success, warning (4) otherwise. Absent values are
/// the NILVALUE "-". Only opaque ids, codes and hashes are written, never the free-text reason.
/// </summary>
public sealed class SyslogFormatter
{
    public const string AppName = "visage";

    /// <summary>The SD-ID; 32473 is the private enterprise number reserved for documentation (RFC 5612).</summary>
    public const string StructuredDataId = "visage@32473";

    public const int Facility = 10;
    public const int InformationalSeverity = 6;
    public const int WarningSeverity = 4;

    private const string NilValue = "-";
    private readonly string hostName;

    /// <param name="hostName">The HOSTNAME field; the machine name when null.</param>
    public SyslogFormatter(string? hostName = null) => this.hostName = HeaderField(hostName ?? Environment.MachineName, 255);

    /// <summary>The PRI value for a record: facility × 8 + severity.</summary>
    public static int Priority(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        // An alert ("raised") is worth a warning too, though its FHIR outcome is a success.
        var severity = string.Equals(record.Outcome, "success", StringComparison.Ordinal) ? InformationalSeverity : WarningSeverity;
        return (Facility * 8) + severity;
    }

    public string Format(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var line = new StringBuilder(256);
        line.Append(CultureInfo.InvariantCulture, $"<{Priority(record)}>1 ")
            .Append(record.TimeUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(' ')
            .Append(hostName).Append(' ')
            .Append(AppName).Append(' ')
            .Append("- ")
            .Append(HeaderField(record.Action, 32)).Append(' ')
            .Append('[').Append(StructuredDataId);
        Param(line, "seq", record.Sequence.ToString(CultureInfo.InvariantCulture));
        Param(line, "actor", record.Actor);
        Param(line, "role", record.ActorRole);
        Param(line, "purpose", record.Purpose);
        Param(line, "subject", record.Subject);
        Param(line, "outcome", record.Outcome);
        Param(line, "model", record.ModelVersion);
        Param(line, "corr", record.CorrelationId);
        Param(line, "hash", Convert.ToHexStringLower(record.Hash));
        line.Append("] ").Append(record.Action).Append(' ').Append(record.Outcome);
        return line.ToString();
    }

    public IEnumerable<string> Format(IEnumerable<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Select(Format);
    }

    /// <summary>A PARAM-VALUE with '"', '\' and ']' escaped by a backslash (RFC 5424 §6.3.3).</summary>
    internal static string EscapeParamValue(string value)
    {
        if (value.AsSpan().IndexOfAny("\"\\]") < 0)
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '"' or '\\' or ']')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static void Param(StringBuilder line, string name, string? value) =>
        line.Append(' ').Append(name).Append("=\"").Append(value is null ? NilValue : EscapeParamValue(value)).Append('"');

    /// <summary>A header field: printable US-ASCII without spaces (others become '_'), at most <paramref name="max"/> long, NILVALUE when empty.</summary>
    private static string HeaderField(string value, int max)
    {
        if (value.Length == 0)
        {
            return NilValue;
        }

        var field = new StringBuilder(Math.Min(value.Length, max));
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, max)))
        {
            field.Append(c is > ' ' and <= '~' ? c : '_');
        }

        return field.ToString();
    }
}
