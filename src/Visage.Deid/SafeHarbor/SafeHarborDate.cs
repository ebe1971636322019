using System.Globalization;

namespace Visage.Deid.SafeHarbor;

/// <summary>Safe Harbor keeps only the year of a date related to an individual.</summary>
public static class SafeHarborDate
{
    public static int ToYear(DateOnly date) => date.Year;

    public static int ToYear(DateTime date) => date.Year;

    /// <summary>The year ("YYYY") of a DICOM DA value "YYYYMMDD" (or ACR-NEMA "YYYY.MM.DD"); empty stays empty.</summary>
    public static string DicomDateToYear(string dicomDate) => Generalize(dicomDate, year => year);

    /// <summary>
    /// A DICOM DA value reduced to its year but still valid DA ("YYYY0101"), for elements that must keep a date;
    /// a range "A-B" keeps its shape. Empty stays empty.
    /// </summary>
    public static string DicomDateToJanuaryFirst(string dicomDate) => Generalize(dicomDate, year => year + "0101");

    private static string Generalize(string dicomDate, Func<string, string> fromYear)
    {
        ArgumentNullException.ThrowIfNull(dicomDate);
        var value = dicomDate.Trim().TrimEnd('\0').Trim();
        if (value.Length == 0)
        {
            return string.Empty;
        }

        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            var from = value[..dash].Trim();
            var to = value[(dash + 1)..].Trim();
            return (from.Length == 0 ? string.Empty : fromYear(Year(from))) + "-" + (to.Length == 0 ? string.Empty : fromYear(Year(to)));
        }

        return fromYear(Year(value));
    }

    private static string Year(string date)
    {
        var digits = date.Replace(".", string.Empty, StringComparison.Ordinal);
        if (digits.Length != 8 || !DateOnly.TryParseExact(digits, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            // The value itself may be PHI, so it is not quoted.
            throw new FormatException("Not a DICOM date (DA): expected YYYYMMDD.");
        }

        return parsed.Year.ToString("D4", CultureInfo.InvariantCulture);
    }
}
