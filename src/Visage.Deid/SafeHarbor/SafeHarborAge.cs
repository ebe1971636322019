using System.Globalization;

namespace Visage.Deid.SafeHarbor;

/// <summary>Safe Harbor aggregates every age over 89 into one category, "90 or older".</summary>
public static class SafeHarborAge
{
    public const int OldestKept = 89;

    /// <summary>"0".."89" as given; 90 and over becomes "90+".</summary>
    public static string Generalize(int years)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(years);
        return years > OldestKept ? "90+" : years.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A DICOM AS value ("nnnD", "nnnW", "nnnM", "nnnY"): an age over 89 years becomes "090Y" (AS cannot say "or
    /// older", so 90 stands for the category); younger ages are returned unchanged. Empty stays empty.
    /// </summary>
    public static string GeneralizeDicomAge(string dicomAge)
    {
        ArgumentNullException.ThrowIfNull(dicomAge);
        var value = dicomAge.Trim().TrimEnd('\0').Trim();
        if (value.Length == 0)
        {
            return string.Empty;
        }

        if (value.Length != 4 || !int.TryParse(value.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new FormatException("Not a DICOM age (AS): expected nnnD, nnnW, nnnM or nnnY.");
        }

        var years = char.ToUpperInvariant(value[3]) switch
        {
            'D' => number / 365.25,
            'W' => number * 7 / 365.25,
            'M' => number / 12.0,
            'Y' => number,
            _ => throw new FormatException("Not a DICOM age (AS): expected nnnD, nnnW, nnnM or nnnY."),
        };
        return years >= OldestKept + 1 ? "090Y" : value;
    }
}
