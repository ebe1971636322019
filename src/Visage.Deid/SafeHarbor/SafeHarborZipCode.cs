namespace Visage.Deid.SafeHarbor;

/// <summary>
/// Safe Harbor keeps only the first three digits of a ZIP code, and not even those where the three-digit area had
/// 20,000 people or fewer (2000 census): there it becomes "000".
/// </summary>
public static class SafeHarborZipCode
{
    /// <summary>The 17 restricted three-digit ZIP areas (2000 census, HHS de-identification guidance).</summary>
    public static IReadOnlySet<string> RestrictedPrefixes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893",
    };

    /// <summary>"12345", "12345-6789" or "123456789" → "123" (or "000" for a restricted area).</summary>
    public static string Generalize(string zipCode) =>
        TryGeneralize(zipCode, out var generalized) ? generalized : throw new FormatException("Not a US ZIP code.");

    public static bool TryGeneralize(string zipCode, out string generalized)
    {
        ArgumentNullException.ThrowIfNull(zipCode);
        generalized = string.Empty;
        var value = zipCode.Trim();
        var digits = value.Replace("-", string.Empty, StringComparison.Ordinal);
        var shapeOk = value.Length == 5 || value.Length == 9 || (value.Length == 10 && value[5] == '-');
        if (!shapeOk || digits.Length is not (5 or 9) || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        var prefix = digits[..3];
        generalized = RestrictedPrefixes.Contains(prefix) ? "000" : prefix;
        return true;
    }
}
