using System.Globalization;

namespace Visage.Deid.Dicom;

/// <summary>
/// Shifts DA and DT values by whole days (multi-valued, ranges "a-b", partial DT dates "YYYY"/"YYYYMM" at their own
/// precision, and the old ACR-NEMA "YYYY.MM.DD" form), keeping times of day and time zone suffixes as they are.
/// </summary>
internal static class DicomDateShift
{
    public const string DummyDate = "19000101";

    /// <summary>The shifted value, or null when some part is not a date we can read (the caller replaces it).</summary>
    public static string? Shift(string value, bool dateTime, int days)
    {
        ArgumentNullException.ThrowIfNull(value);
        var values = value.Split('\\');
        for (var i = 0; i < values.Length; i++)
        {
            var shifted = ShiftRange(values[i].Trim(' ', '\0'), dateTime, days);
            if (shifted is null)
            {
                return null;
            }

            values[i] = shifted;
        }

        return string.Join('\\', values);
    }

    private static string? ShiftRange(string value, bool dateTime, int days)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var dash = dateTime ? -1 : value.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            var from = dash == 0 ? "" : ShiftOne(value[..dash], dateTime, days);
            var to = dash == value.Length - 1 ? "" : ShiftOne(value[(dash + 1)..], dateTime, days);
            return from is null || to is null ? null : from + "-" + to;
        }

        return ShiftOne(value, dateTime, days);
    }

    private static string? ShiftOne(string value, bool dateTime, int days)
    {
        if (!dateTime && value.Length == 10 && value[4] == '.' && value[7] == '.')
        {
            value = value.Replace(".", "", StringComparison.Ordinal);
        }

        var digits = 0;
        while (digits < value.Length && digits < 8 && char.IsAsciiDigit(value[digits]))
        {
            digits++;
        }

        var precision = digits >= 8 ? 8 : digits >= 6 ? 6 : digits >= 4 ? 4 : 0;
        if (precision == 0 || (!dateTime && (precision != 8 || value.Length != 8)))
        {
            return null;
        }

        var datePart = value[..precision] + (precision == 4 ? "0101" : precision == 6 ? "01" : "");
        if (!DateOnly.TryParseExact(datePart, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return null;
        }

        if (date.DayNumber + days < 0)
        {
            return null;
        }

        var shifted = date.AddDays(days).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        return shifted[..precision] + value[precision..];
    }
}
